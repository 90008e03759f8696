package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ippvs tun --control}: lines written into a named pipe, one writer after another, run as commands. */
class ControlFifoTest {

    @TempDir
    Path dir;

    @Test
    void everyWritersLinesRunAndTheirAnswersAreLogged() throws Exception {
        Path fifo = mkfifo();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        ControlFifo c = ControlFifo.start(fifo, line -> {
            if (line.equals("bad")) {
                throw new IllegalArgumentException("no such command");
            }
            return "did " + line;
        }, out);
        try {
            // two writers, as two notify scripts: the second open and its line must still be read
            Files.writeString(fifo, "--start-daemon backup\n");
            Files.writeString(fifo, "# a comment\nbad\n--stop-daemon master\n");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!text(log).contains("did --stop-daemon master") && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        } finally {
            c.close();
        }
        assertThat(text(log)).isEqualTo(
                "ippvs tun: control " + fifo + ": --start-daemon backup\ndid --start-daemon backup\n# ok\n"
                        + "ippvs tun: control " + fifo + ": bad\n# error: no such command\n"
                        + "ippvs tun: control " + fifo + ": --stop-daemon master\ndid --stop-daemon master\n# ok\n");
    }

    @Test
    void aMissingPathOrARegularFileIsRefusedByName() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "");
        assertThatThrownBy(() -> ControlFifo.start(dir.resolve("none"), l -> "", System.err))
                .hasMessage("--control: " + dir.resolve("none") + " does not exist (make it with mkfifo)");
        assertThatThrownBy(() -> ControlFifo.start(file, l -> "", System.err))
                .hasMessage("--control: " + file + " is not a named pipe (make it with mkfifo)");
    }

    private Path mkfifo() throws Exception {
        Path fifo = dir.resolve("ctl");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo: " + e.getMessage());
            throw e;
        }
        assumeTrue(p.waitFor() == 0, "mkfifo failed");
        return fifo;
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
