package io.ippvs.core.admin;

/**
 * A rules file (or {@code ipvsadm -R} input) that cannot be applied: names the file, the line and
 * what is wrong. Nothing of the file was applied.
 */
public final class RulesFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String problem;

    /**
     * @param file the file's name as the caller knows it
     * @param line the 1-based line the bad command starts on
     * @param problem what is wrong, starting with the field at fault
     */
    public RulesFileException(String file, int line, String problem, Throwable cause) {
        super(file + ":" + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The file's name. */
    public String file() {
        return file;
    }

    /** The 1-based line number of the bad command. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String problem() {
        return problem;
    }
}
