// An embedder's module that uses the Docker engine: names cmdimage's docker module and nothing else.
module dockerapp {
    requires dev.cmdimage.docker;
}
