package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code ippvs} command itself: help, version, usage errors, the completion script. */
class MainTest {

    @Test
    void helpListsEverySubcommand() {
        Cli c = Cli.run("--help");
        assertThat(c.exit()).isZero();
        assertThat(c.out()).startsWith("Usage: ippvs");
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            assertThat(c.out()).as("help lists %s", name).containsPattern("(?m)^  " + name + " ");
        }
    }

    @Test
    void versionNamesTheProjectVersion() {
        Cli c = Cli.run("--version");
        assertThat(c.exit()).isZero();
        // filled in from the pom by resource filtering, never the placeholder
        assertThat(c.out()).startsWith("ippvs ").doesNotContain("${").containsPattern("ippvs \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void usageErrorsExitWithTwo() {
        Cli unknownOption = Cli.run("--bogus");
        assertThat(unknownOption.exit()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown option: '--bogus'").contains("Usage: ippvs");

        Cli noSubcommand = Cli.run();
        assertThat(noSubcommand.exit()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("a subcommand is needed");

        Cli unknownSubcommand = Cli.run("frobnicate");
        assertThat(unknownSubcommand.exit()).isEqualTo(2);

        Cli badValue = Cli.run("tun", "--mtu", "lots");
        assertThat(badValue.exit()).isEqualTo(2);
        assertThat(badValue.err()).contains("--mtu").contains("lots");

        Cli badMetrics = Cli.run("tun", "--metrics", "localhost");
        assertThat(badMetrics.exit()).isEqualTo(2);
        assertThat(badMetrics.err()).contains("'localhost' is not HOST:PORT");
    }

    @Test
    void tunnelEndpointRefusesBadOptionsBeforeTouchingADevice() {
        assertThat(Cli.run("tunnel-endpoint").err()).contains("Missing required option: '--local=ADDR'");
        Cli badType = Cli.run("tunnel-endpoint", "--local", "10.1.1.1", "--type", "vxlan");
        assertThat(badType.exit()).isEqualTo(2);
        assertThat(badType.err()).contains("--type: 'vxlan' is not one of ipip, gue, gre");
        Cli gueWithoutPort = Cli.run("tunnel-endpoint", "--local", "10.1.1.1", "--type", "gue");
        assertThat(gueWithoutPort.exit()).isEqualTo(2);
        assertThat(gueWithoutPort.err()).contains("--gue-port");
        Cli name = Cli.run("tunnel-endpoint", "--local", "rs1.example");
        assertThat(name.exit()).isEqualTo(2);
        assertThat(name.err()).contains("'rs1.example' is not a numeric IPv4 or IPv6 address");
        Cli tunnelSource = Cli.run("tun", "--tunnel-source", "director.example");
        assertThat(tunnelSource.exit()).isEqualTo(2);
        assertThat(tunnelSource.err()).contains("--tunnel-source: 'director.example' is not a numeric");
    }

    @Test
    void theCompletionScriptCompletesTheSubcommands() {
        Cli c = Cli.run("generate-completion");
        assertThat(c.exit()).isZero();
        assertThat(c.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_ippvs")
                .contains("tun").contains("ipvsadm");
    }
}
