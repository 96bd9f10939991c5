package dev.strangler.parity.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.contract.EventEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepairPlanTest {

    private static Path report(Path dir, String encodingField) throws Exception {
        Files.writeString(dir.resolve("report.json"), "{\"runId\":\"run-1\",\"verdict\":\"NO-GO\",\"startedAt\":"
                + "\"2026-12-03T00:00:00Z\",\"slot\":\"s\",\"topicPrefix\":\"p\",\"cut\":{\"walLsn\":\"0/1\","
                + "\"walLsnValue\":1}," + encodingField + "\"tables\":[{\"table\":\"shop.t\",\"topic\":\"p.shop.t\","
                + "\"verdict\":\"NO-GO\"}]}");
        Files.writeString(dir.resolve(DifferencesFile.NAME), "{\"format\":\"" + DifferencesFile.FORMAT + "\","
                + "\"runId\":\"run-1\"}\n{\"table\":\"shop.t\",\"kind\":\"MISSING_IN_STREAM\",\"key\":{\"id\":1}}\n");
        return dir.resolve("report.json");
    }

    @Test
    void shouldReadTheEncodingTheRepairedRunReadEventsWith(@TempDir Path dir) throws Exception {
        EventEncoding connect = EventEncoding.of("precise", "adaptive", "bytes", "string");
        RepairPlan plan = RepairPlan.load(report(dir, "\"eventEncoding\":\"" + connect + "\","), 10);
        assertThat(plan.eventEncoding()).isEqualTo(connect);
        assertThat(plan.tables()).hasSize(1);
    }

    @Test
    void shouldTakeStranglersEncodingWhenTheReportNamesNone(@TempDir Path dir) throws Exception {
        assertThat(RepairPlan.load(report(dir, ""), 10).eventEncoding()).isEqualTo(EventEncoding.strangler());
    }

    @Test
    void shouldRefuseAnEncodingItCannotReadEventsWith(@TempDir Path dir) throws Exception {
        Path report = report(dir, "\"eventEncoding\":\"decimal.handling.mode=float\",");
        assertThatThrownBy(() -> RepairPlan.load(report, 10)).isInstanceOf(RepairRefusedException.class)
                .hasMessageContaining("names an event encoding").hasMessageContaining("'float'");
    }
}
