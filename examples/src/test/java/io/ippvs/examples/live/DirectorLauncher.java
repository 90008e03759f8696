package io.ippvs.examples.live;

import io.ippvs.examples.TunDirector;
import java.io.IOException;
import java.nio.file.Path;

/** Starts the TUN director with health checks from a keepalived.conf in a namespace. */
final class DirectorLauncher {

    private DirectorLauncher() {}

    static NamespaceProcess start(String namespace, String name, Path logs, Path keepalivedConf) throws IOException {
        return NamespaceProcess.start(namespace, name, logs, TunDirector.class, "--dev", "tun0", "--check",
                keepalivedConf.toString());
    }
}
