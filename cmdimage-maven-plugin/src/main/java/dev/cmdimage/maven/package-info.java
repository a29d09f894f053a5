/**
 * The cmdimage Maven plugin: {@code cmdimage:validate} checks CmdImage, ImageMap and Cluster files, and
 * {@code cmdimage:build} builds their CmdImages in the Maven JVM through the library, exposing each built ref as the
 * project property {@code cmdimage.<name>.ref}. Run
 * {@code mvn help:describe -Dplugin=dev.cmdimage:cmdimage-maven-plugin -Ddetail} for every parameter.
 */
package dev.cmdimage.maven;
