package io.ippvs.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.ippvs.api.Configuration;
import io.ippvs.api.Protocol;
import io.ippvs.api.ServiceKey;
import org.junit.jupiter.api.Test;

class RulesFileTest {

    private static final ServiceKey TCP80 = ServiceKey.of(Protocol.TCP, InetAddresses.forString("10.0.0.1"), 80);

    @Test
    void commentsBlankLinesContinuationsAndTheProgramName() {
        RulesFile f = RulesFile.parse("lb.rules", "# ippvs rules\n"
                + "\n"
                + "   \t\n"
                + "-A -t 10.0.0.1:80 -s rr   # round robin\n"
                + "ipvsadm -a -t 10.0.0.1:80 \\\n"
                + "   -r 192.168.1.10:80 -m -w 2\r\n"
                + "-a -t 10.0.0.1:80 -r \"192.168.1.11:80\" -m\n"
                + "ipvsadm\n");
        assertThat(f.size()).isEqualTo(3);
        assertThat(f.name()).isEqualTo("lb.rules");
        Configuration c = f.applyTo(Configuration.EMPTY);
        assertThat(c.service(TCP80).config().scheduler()).isEqualTo("rr");
        assertThat(c.service(TCP80).realServers()).hasSize(2);
        assertThat(c.service(TCP80).realServers().get(0).weight()).isEqualTo(2);
    }

    @Test
    void aSyntaxErrorNamesFileLineAndProblem() {
        assertThatThrownBy(() -> RulesFile.parse("lb.rules", "-A -t 10.0.0.1:80\n# ok\n-a -t 10.0.0.1:80 -r 192.168.1.10 -w 70000\n"))
                .isInstanceOf(RulesFileException.class)
                .hasMessage("lb.rules:3: weight: '70000' is not a number in 0..65535")
                .satisfies(e -> {
                    RulesFileException r = (RulesFileException) e;
                    assertThat(r.file()).isEqualTo("lb.rules");
                    assertThat(r.line()).isEqualTo(3);
                    assertThat(r.problem()).startsWith("weight:");
                });
    }

    @Test
    void aContinuedCommandReportsItsFirstLine() {
        assertThatThrownBy(() -> RulesFile.parse("f", "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 \\\n -r 1.2.3.4 \\\n -w x\n"))
                .hasMessage("f:2: weight: 'x' is not a number in 0..65535");
        assertThatThrownBy(() -> RulesFile.parse("f", "-A -t 10.0.0.1:80 \\"))
                .hasMessage("f:1: command line: the last line ends with a backslash");
    }

    @Test
    void anApplyErrorNamesItsLineAndChangesNothing() {
        Configuration base = Configuration.EMPTY.withTimeouts(5, 5, 5);
        RulesFile f = RulesFile.parse("f", "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 1.2.3.4\n-a -t 10.0.0.2:80 -r 1.2.3.4\n");
        assertThatThrownBy(() -> f.applyTo(base)).isInstanceOf(RulesFileException.class)
                .hasMessage("f:3: service: Service not defined (TCP 10.0.0.2:80)");
        assertThat(base).isEqualTo(Configuration.EMPTY.withTimeouts(5, 5, 5));
        assertThat(base.services()).isEmpty();
    }

    @Test
    void onlyConfigurationCommandsBelongInARulesFile() {
        for (String bad : new String[] {"-L -n", "-S", "-Z", "-R"}) {
            assertThatThrownBy(() -> RulesFile.parse("f", "-C\n" + bad + "\n"))
                    .hasMessage("f:2: command: only -A -E -D -C -a -e -d and --set belong in a rules file");
        }
    }

    @Test
    void emptyFileChangesNothing() {
        Configuration base = Configuration.EMPTY.withService(io.ippvs.api.ServiceConfig.builder(TCP80).build());
        assertThat(RulesFile.parse("f", "").applyTo(base)).isSameAs(base);
    }
}
