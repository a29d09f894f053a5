package internalapp;

import dev.cmdimage.core.internal.pipeline.PipelineBuilder;

/** Names a public class of a package core does not export. */
public final class Main {
    public static void main(String[] args) {
        System.out.println(PipelineBuilder.class.getName());
    }
}
