/** The example's tests, a module of their own on the module path: they read the kit as a module. */
open module example.deployer.test {
    requires example.deployer;
    requires dev.cmdimage.testing;
    requires org.junit.jupiter.api;
    requires org.assertj.core;
}
