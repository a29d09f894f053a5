/** The example's code: it uses cmdimage's builder. */
module example.deployer {
    requires dev.cmdimage.core;

    exports example.deployer;
}
