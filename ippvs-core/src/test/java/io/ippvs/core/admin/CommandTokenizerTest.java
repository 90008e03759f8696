package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CommandTokenizerTest {

    @Test
    void blanksQuotesEscapesAndComments() {
        assertThat(CommandTokenizer.tokenize("  -A\t-t  10.0.0.1:80 ")).containsExactly("-A", "-t", "10.0.0.1:80");
        assertThat(CommandTokenizer.tokenize("-s 'r r' -b \"a\\\"b\\\\c\" x\\ y")).containsExactly("-s", "r r", "-b", "a\"b\\c", "x y");
        assertThat(CommandTokenizer.tokenize("a''b \"\"")).containsExactly("ab", "");
        assertThat(CommandTokenizer.tokenize("-C # the rest -A")).containsExactly("-C");
        assertThat(CommandTokenizer.tokenize("a#b")).containsExactly("a#b");
        assertThat(CommandTokenizer.tokenize("")).isEmpty();
    }

    @Test
    void unterminatedQuotesAndEscapesAreErrors() {
        assertThatThrownBy(() -> CommandTokenizer.tokenize("-s 'rr")).hasMessageStartingWith("command line: unterminated ' quote");
        assertThatThrownBy(() -> CommandTokenizer.tokenize("-s \"rr")).hasMessageStartingWith("command line: unterminated \" quote");
        assertThatThrownBy(() -> CommandTokenizer.tokenize("-s rr\\")).hasMessageStartingWith("command line: a backslash ends the line");
    }

    @Property
    void plainWordsSurviveJoiningWithBlanks(@ForAll List<@net.jqwik.api.constraints.AlphaChars @net.jqwik.api.constraints.StringLength(min = 1, max = 8) String> words) {
        assertThat(CommandTokenizer.tokenize(String.join(" ", words))).isEqualTo(words);
    }
}
