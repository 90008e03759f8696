package io.ippvs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ippvs ipvsadm}: rules checked offline, with ipvsadm's lines and exit codes (ipvsadm.c:
 * {@code fail(2, ...)} for what its parser refuses, {@code main} returning process_options' -1, so
 * 255, for what the kernel refuses after printing {@code ipvs_strerror}; {@code list_service}'s
 * {@code exit(1)}), each followed by our line naming the file, line and field.
 */
class IpvsadmCommandTest {

    private static final String RULES = """
            -A -t 203.1.1.10:8080 -s rr
            -a -t 203.1.1.10:8080 -r 10.1.1.1:8080 -m -w 1
            -a -t 203.1.1.10:8080 -r 10.1.1.2:8080 -m -w 2
            -A -u 203.1.1.10:53 -s wlc
            -a -u 203.1.1.10:53 -r 10.1.1.3:53 -m
            """;

    private static final String LISTING = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            TCP  203.1.1.10:8080 rr
              -> 10.1.1.1:8080                Masq    1      0          0         \n\
              -> 10.1.1.2:8080                Masq    2      0          0         \n\
            UDP  203.1.1.10:53 wlc
              -> 10.1.1.3:53                  Masq    1      0          0         \n\
            """;

    @Test
    void restoreFromStandardInputThenListsTheRules() {
        Cli c = Cli.runWithInput(RULES, "ipvsadm", "-R");
        assertThat(c.err()).isEmpty();
        assertThat(c.exit()).isZero();
        assertThat(c.out()).isEqualTo(LISTING);
    }

    @Test
    void aRulesFileThenOneCommand(@TempDir Path dir) throws IOException {
        Path rules = Files.writeString(dir.resolve("rules"), RULES);
        Cli save = Cli.run("ipvsadm", "--rules", rules.toString(), "-S", "-n");
        assertThat(save.exit()).isZero();
        assertThat(save.out()).isEqualTo("""
                -A -t 203.1.1.10:8080 -s rr
                -a -t 203.1.1.10:8080 -r 10.1.1.1:8080 -m -w 1
                -a -t 203.1.1.10:8080 -r 10.1.1.2:8080 -m -w 2
                -A -u 203.1.1.10:53 -s wlc
                -a -u 203.1.1.10:53 -r 10.1.1.3:53 -m -w 1
                """);
        // no command: ipvsadm with no arguments lists
        assertThat(Cli.run("ipvsadm", "--rules", rules.toString()).out()).isEqualTo(LISTING);
        Cli stats = Cli.run("ipvsadm", "--rules", rules.toString(), "-L", "-n", "--stats");
        assertThat(stats.out()).contains("Conns   InPkts  OutPkts  InBytes OutBytes")
                .contains("TCP  203.1.1.10:8080                     0        0        0        0        0");
    }

    @Test
    void whatTheKernelRefusesExitsWith255AndIpvsadmsMessage() {
        Cli dupService = Cli.runWithInput(RULES + "-A -t 203.1.1.10:8080\n", "ipvsadm", "-R");
        assertThat(dupService.exit()).isEqualTo(255);
        assertThat(dupService.err()).startsWith("Service already exists\nippvs ipvsadm: <stdin>:6: ");
        assertThat(dupService.out()).as("all or nothing: nothing listed").isEmpty();

        Cli dupServer = Cli.runWithInput(RULES + "-a -t 203.1.1.10:8080 -r 10.1.1.1:8080 -m\n", "ipvsadm", "-R");
        assertThat(dupServer.exit()).isEqualTo(255);
        assertThat(dupServer.err()).startsWith("Destination already exists\nippvs ipvsadm: <stdin>:6: ");

        Cli noService = Cli.run("ipvsadm", "-D", "-t", "203.1.1.10:80");
        assertThat(noService.exit()).isEqualTo(255);
        assertThat(noService.err()).startsWith("No such service\n");

        Cli listMissing = Cli.run("ipvsadm", "-L", "-n", "-t", "203.1.1.10:80");
        assertThat(listMissing.exit()).as("list_service: exit(1)").isEqualTo(1);
        assertThat(listMissing.err()).startsWith("No such service\n");

        Cli noServer = Cli.runWithInput(RULES + "-d -t 203.1.1.10:8080 -r 10.1.1.9:8080\n", "ipvsadm", "-R");
        assertThat(noServer.exit()).isEqualTo(255);
        assertThat(noServer.err()).startsWith("No such destination\nippvs ipvsadm: <stdin>:6: ");
    }

    @Test
    void whatTheParserRefusesExitsWithTwo(@TempDir Path dir) throws IOException {
        Cli badOption = Cli.run("ipvsadm", "-L", "-x");
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.err()).startsWith("illegal u_threshold specified\n").contains("-x");

        Cli badScheduler = Cli.runWithInput("-A -t 203.1.1.10:8080 -s fastest\n", "ipvsadm", "-R");
        assertThat(badScheduler.exit()).isEqualTo(2);
        assertThat(badScheduler.err()).contains("<stdin>:1").contains("fastest");

        Cli missing = Cli.run("ipvsadm", "--rules", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("nope: no such file");
    }

    @Test
    void ipvsadmsOwnHelpPassesThrough() {
        Cli c = Cli.run("ipvsadm", "-h");
        assertThat(c.exit()).isZero();
        assertThat(c.out()).startsWith("Commands (ipvsadm 1.31):");
    }
}
