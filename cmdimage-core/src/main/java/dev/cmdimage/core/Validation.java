package dev.cmdimage.core;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.Redaction;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.internal.validation.Validator;

import java.util.List;

/**
 * Checks API objects before anything runs and reports <em>every</em> problem at once, each with its field path,
 * Kubernetes style ({@code spec.args: Required value}, {@code spec.ref: Invalid value: "Foo Bar": repository
 * name must be lowercase}). Tilt's own {@code Validate()} accepts anything; a build that fails here never starts
 * its command.
 *
 * <p>Problem texts never show a secret: environment entries are printed through {@link Redaction}.
 */
public final class Validation {
    private Validation() {}

    /**
     * {@code metadata.name} (required, a valid name) and every rule of the spec.
     *
     * @param cmdImage the object to check
     * @return every problem found, empty when the object is valid
     */
    public static List<Problem> validate(CmdImage cmdImage) {
        return Validator.validate(cmdImage);
    }

    /**
     * {@code metadata.name}, the selector and the image refs of the status.
     *
     * @param imageMap the object to check
     * @return every problem found, empty when the object is valid
     */
    public static List<Problem> validate(ImageMap imageMap) {
        return Validator.validate(imageMap);
    }

    /**
     * {@code metadata.name} and the registries of spec and status (hosts canonical, single name a valid path).
     *
     * @param cluster the object to check
     * @return every problem found, empty when the object is valid
     */
    public static List<Problem> validate(Cluster cluster) {
        return Validator.validate(cluster);
    }

    /**
     * {@code metadata.name}, the watched paths (at least one, none empty) and every ignore rule (a base path).
     *
     * @param fileWatch the object to check
     * @return every problem found, empty when the object is valid
     */
    public static List<Problem> validate(FileWatch fileWatch) {
        return Validator.validate(fileWatch);
    }

    /**
     * Any object; a CmdImageList's problems have {@code items[i].} paths, and duplicate names are reported.
     *
     * @param object the object to check
     * @return every problem found, empty when the object is valid
     * @throws IllegalArgumentException for an object type cmdimage does not know
     */
    public static List<Problem> validate(ApiObject object) {
        return Validator.validate(object);
    }

    /**
     * Validates and throws when anything is wrong.
     *
     * @param cmdImage the object to check
     * @throws ValidationException {@code CmdImage "name" is invalid: ...} with every problem
     */
    public static void check(CmdImage cmdImage) throws ValidationException {
        Validator.check(cmdImage);
    }

    /**
     * Validates any object and throws when anything is wrong ({@code Kind "name" is invalid: ...}).
     *
     * @param object the object to check
     * @throws ValidationException with every problem
     */
    public static void check(ApiObject object) throws ValidationException {
        Validator.check(object);
    }
}
