package io.ippvs.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second command input of {@code ippvs tun}: command lines written into a named pipe, as
 * keepalived's {@code notify_master} / {@code notify_backup} scripts do
 * ({@code echo '--start-daemon master --mcast-interface sync0' > FIFO}). A script has no way to
 * read an answer from a pipe, so each command and its answer go to {@code log} (standard error).
 *
 * <p>The pipe is opened for reading and writing: a writer's open never blocks once the director
 * runs, and the input never reaches its end when a writer closes (a read-only open would see the
 * end after every {@code echo}).
 */
final class ControlFifo implements AutoCloseable {

    private final Path path;
    private final RandomAccessFile fifo;
    private final Thread reader;

    private ControlFifo(Path path, RandomAccessFile fifo, CommandLoop.Handler handler, PrintStream log) {
        this.path = path;
        this.fifo = fifo;
        this.reader = new Thread(() -> serve(handler, log), "ippvs-control");
        reader.setDaemon(true);
    }

    /**
     * Opens {@code path}, which must be a named pipe (mkfifo), and serves its lines with {@code handler}.
     *
     * @throws IOException when it is missing, not a named pipe or cannot be opened
     */
    static ControlFifo start(Path path, CommandLoop.Handler handler, PrintStream log) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("--control: " + path + " does not exist (make it with mkfifo)");
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        if ((mode & 0170000) != 0010000) {
            throw new IOException("--control: " + path + " is not a named pipe (make it with mkfifo)");
        }
        ControlFifo c = new ControlFifo(path, new RandomAccessFile(path.toFile(), "rw"), handler, log);
        c.reader.start();
        return c;
    }

    private void serve(CommandLoop.Handler handler, PrintStream log) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(
                    new java.io.FileInputStream(fifo.getFD()), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String answer;
                try {
                    String out = handler.handle(line);
                    answer = out + (out.isEmpty() || out.endsWith("\n") ? "" : "\n") + CommandLoop.OK;
                } catch (Exception e) {
                    answer = CommandLoop.ERROR + e.getMessage();
                }
                synchronized (log) {
                    log.println("ippvs tun: control " + path + ": " + line);
                    log.println(answer);
                    log.flush();
                }
            }
        } catch (IOException e) {
            log.println("ippvs tun: control " + path + ": " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        fifo.close();
    }
}
