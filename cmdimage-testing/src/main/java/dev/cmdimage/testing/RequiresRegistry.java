package dev.cmdimage.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The annotated test class or method needs a real registry, {@link TestServices#registry()} (or, with
 * {@link #authenticated()}, {@link TestServices#authRegistry()}): when it does not answer, the tests are skipped with
 * the reason and how to start it, or fail when {@code CI=true}. (A test that only needs some registry does better
 * with a {@link TestRegistry}, which needs nothing.)
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ServiceCondition.class)
public @interface RequiresRegistry {
    /** Whether the test needs the registry with Basic auth ({@link TestServices#authRegistry()}) instead. */
    boolean authenticated() default false;
}
