package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.engine.PipelineFailedException;
import dev.strangler.engine.PipelineFencedException;
import dev.strangler.engine.RecordTooLargeException;
import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.ConfigException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {

    @Test
    void shouldGiveEveryWayARunEndsItsOwnDocumentedCode() {
        assertThat(ExitCodes.forException(new ConfigException("bad"))).isEqualTo(78);
        assertThat(ExitCodes.forException(new SourceNotReadyException("no"))).isEqualTo(69);
        assertThat(ExitCodes.forException(new SinkUnavailableException("no"))).isEqualTo(75);
        assertThat(ExitCodes.forException(new RecordTooLargeException("big", null))).isEqualTo(65);
        assertThat(ExitCodes.forException(new PipelineFencedException("taken over", null))).isEqualTo(3);
        assertThat(ExitCodes.forException(new PipelineFailedException("failed", null))).isEqualTo(70);
        assertThat(ExitCodes.forException(new dev.strangler.parity.ParityException("no room for the spill files")))
                .as("a parity check that cannot run, e.g. too little free space in --work-dir").isEqualTo(69);
        assertThat(ExitCodes.forException(new IllegalStateException("bug"))).isEqualTo(71);
    }
}
