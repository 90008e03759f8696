package io.ippvs.health;

/** A keepalived.conf that cannot be used: names the file, the line and what is wrong. */
public final class KeepalivedConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String problem;

    /**
     * @param file the file's name as the caller knows it
     * @param line the 1-based line at fault
     * @param problem what is wrong, starting with the keyword at fault
     */
    public KeepalivedConfigException(String file, int line, String problem, Throwable cause) {
        super(file + ":" + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String problem() {
        return problem;
    }
}
