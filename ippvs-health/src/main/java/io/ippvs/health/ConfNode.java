package io.ippvs.health;

import java.util.ArrayList;
import java.util.List;

/**
 * One statement of a keepalived.conf: a keyword, the words after it on its line, and the statements
 * of its block when it has one ({@code null} otherwise). Read by {@link #parse}, the grammar of
 * keepalived's {@code parser.c}: words split at blanks, {@code "quoted strings"} kept whole,
 * {@code #} and {@code !} start comments, and {@code {}/{@code }} are words of their own wherever
 * they stand.
 */
final class ConfNode {

    final String keyword;
    final List<String> args;
    final int line;
    final List<ConfNode> block;

    private ConfNode(String keyword, List<String> args, int line, List<ConfNode> block) {
        this.keyword = keyword;
        this.args = args;
        this.line = line;
        this.block = block;
    }

    /** The statements of a whole file. */
    static List<ConfNode> parse(String text, String file) {
        List<Token> tokens = tokens(text, file);
        int[] at = {0};
        List<ConfNode> top = block(tokens, at, file, false, 0);
        return top;
    }

    private record Token(String text, int line, boolean quoted) {
        boolean is(String s) {
            return !quoted && text.equals(s);
        }
    }

    private static List<ConfNode> block(List<Token> t, int[] at, String file, boolean nested, int openLine) {
        List<ConfNode> out = new ArrayList<>();
        while (at[0] < t.size()) {
            Token k = t.get(at[0]++);
            if (k.is("}")) {
                if (!nested) {
                    throw new KeepalivedConfigException(file, k.line, "'}' closes no block", null);
                }
                return out;
            }
            if (k.is("{")) {
                throw new KeepalivedConfigException(file, k.line, "'{' opens a block without a keyword", null);
            }
            List<String> args = new ArrayList<>();
            while (at[0] < t.size() && t.get(at[0]).line == k.line && !t.get(at[0]).is("{") && !t.get(at[0]).is("}")) {
                args.add(t.get(at[0]++).text);
            }
            List<ConfNode> body = null;
            if (at[0] < t.size() && t.get(at[0]).is("{")) {
                Token open = t.get(at[0]++);
                body = block(t, at, file, true, open.line);
            }
            out.add(new ConfNode(k.text, List.copyOf(args), k.line, body));
        }
        if (nested) {
            throw new KeepalivedConfigException(file, openLine, "the block opened here is never closed with '}'", null);
        }
        return out;
    }

    private static List<Token> tokens(String text, String file) {
        List<Token> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String l = lines[n];
            int i = 0;
            while (i < l.length()) {
                char c = l.charAt(i);
                if (c == ' ' || c == '\t') {
                    i++;
                } else if (c == '#' || c == '!') {
                    break;
                } else if (c == '{' || c == '}') {
                    out.add(new Token(String.valueOf(c), n + 1, false));
                    i++;
                } else if (c == '"') {
                    int end = l.indexOf('"', i + 1);
                    if (end < 0) {
                        throw new KeepalivedConfigException(file, n + 1, "a quoted string is not closed on its line", null);
                    }
                    out.add(new Token(l.substring(i + 1, end), n + 1, true));
                    i = end + 1;
                } else {
                    int j = i;
                    while (j < l.length() && " \t{}\"".indexOf(l.charAt(j)) < 0) {
                        j++;
                    }
                    out.add(new Token(l.substring(i, j), n + 1, false));
                    i = j;
                }
            }
        }
        return out;
    }
}
