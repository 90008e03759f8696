package io.ippvs.core.admin;

import io.ippvs.api.Configuration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rules file: one ipvsadm command per line as {@code ipvsadm -S} writes them ({@code -A}, {@code -a},
 * also {@code -E -D -C -e -d --set}), blank lines, {@code #} comments, a trailing backslash continuing a
 * command on the next line, and an optional leading {@code ipvsadm} word. The whole file applies or
 * none of it does.
 */
public final class RulesFile {

    private final String name;
    private final List<Command> commands;
    private final List<Integer> lines;

    private RulesFile(String name, List<Command> commands, List<Integer> lines) {
        this.name = name;
        this.commands = commands;
        this.lines = lines;
    }

    /**
     * Parses {@code text} with numeric addresses only.
     *
     * @throws RulesFileException naming the file, the line and the problem
     */
    public static RulesFile parse(String name, String text) {
        return parse(name, text, new CommandParser(HostResolver.NUMERIC_ONLY, Ipvsadm.IPVS_SCHEDULERS::contains));
    }

    static RulesFile parse(String name, String text, CommandParser parser) {
        List<Command> commands = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        StringBuilder pending = new StringBuilder();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i];
            if (pending.length() == 0) {
                start = i + 1;
            }
            if (line.endsWith("\\") && !line.endsWith("\\\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String command = pending.toString();
            pending.setLength(0);
            List<String> words;
            try {
                words = CommandTokenizer.tokenize(command);
                if (words.isEmpty() || words.size() == 1 && words.get(0).equals("ipvsadm")) {
                    continue;
                }
                Command c = parser.parse(words);
                if (!c.kind.changesConfiguration()) {
                    throw new IllegalArgumentException("command: only -A -E -D -C -a -e -d and --set belong in a rules file");
                }
                commands.add(c);
                lines.add(start);
            } catch (IllegalArgumentException e) {
                throw new RulesFileException(name, start, e.getMessage(), e);
            }
        }
        if (pending.length() > 0) {
            throw new RulesFileException(name, start, "command line: the last line ends with a backslash", null);
        }
        return new RulesFile(name, List.copyOf(commands), List.copyOf(lines));
    }

    /** The file's name. */
    public String name() {
        return name;
    }

    /** How many commands the file holds. */
    public int size() {
        return commands.size();
    }

    /**
     * {@code base} with every command of the file applied in order; {@code base} itself never changes.
     *
     * @throws RulesFileException naming the first command that cannot apply (e.g. a server of a
     *     service that does not exist), its line and why
     */
    public Configuration applyTo(Configuration base) {
        Configuration c = base;
        for (int i = 0; i < commands.size(); i++) {
            try {
                c = commands.get(i).applyTo(c);
            } catch (IllegalArgumentException e) {
                throw new RulesFileException(name, lines.get(i), e.getMessage(), e);
            }
        }
        return c;
    }
}
