package dev.cmdimage.testing;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 condition behind {@link RequiresDocker} and {@link RequiresRegistry} (registered by them; not used
 * directly): disables the test, with the reason and how to start the service, when a service it needs does not
 * answer; when {@code CI=true} it throws instead, and JUnit fails the test.
 */
public final class ServiceCondition implements ExecutionCondition {
    /** Made by JUnit. */
    public ServiceCondition() {}

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<AnnotatedElement> element = context.getElement();
        if (element.isEmpty()) {
            return ConditionEvaluationResult.enabled("nothing annotated");
        }
        List<String> problems = new ArrayList<>();
        if (AnnotationSupport.isAnnotated(element, RequiresDocker.class)) {
            TestServices.dockerProblem().ifPresent(problems::add);
        }
        AnnotationSupport.findAnnotation(element, RequiresRegistry.class).ifPresent(r ->
                TestServices.registryProblem(r.authenticated() ? TestServices.authRegistry() : TestServices.registry())
                        .ifPresent(problems::add));
        if (problems.isEmpty()) {
            return ConditionEvaluationResult.enabled("the services it needs answer");
        }
        return ConditionEvaluationResult.disabled(ServiceRule.disabledReason(String.join("; ", problems)));
    }
}
