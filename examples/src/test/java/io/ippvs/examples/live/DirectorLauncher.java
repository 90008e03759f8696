package io.ippvs.examples.live;

import io.ippvs.examples.Main;
import java.io.IOException;
import java.nio.file.Path;

/** Starts {@code ippvs tun} with health checks from a keepalived.conf ({@code --check}) in a namespace. */
final class DirectorLauncher {

    private DirectorLauncher() {}

    static NamespaceProcess start(String namespace, String name, Path logs, Path keepalivedConf) throws IOException {
        return NamespaceProcess.start(namespace, name, logs, Main.class, "tun", "--dev", "tun0", "--check",
                keepalivedConf.toString());
    }
}
