package dev.cmdimage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A status always has a state: a new object's is {@link CmdImageStatus.Pending}, never {@code null}. */
class CmdImageStatusTest {
    @Test
    void aNewCmdImageIsPendingWithNoRefAndNoReason() {
        CmdImage fresh = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("true").build());

        assertThat(fresh.status()).isEqualTo(CmdImageStatus.EMPTY);
        assertThat(fresh.status().state()).isInstanceOf(CmdImageStatus.Pending.class);
        assertThat(fresh.status().state().reason()).isNull();
        assertThat(fresh.status().ref()).isNull();
        assertThat(fresh.status().isPending()).isTrue();
        assertThat(fresh.status().isSucceeded()).isFalse();
        assertThat(fresh.status().isFailed()).isFalse();
        assertThat(fresh.status().waitingState()).isEmpty();
    }

    @Test
    void aNullStatusOfACmdImageIsPending() {
        CmdImage c = new CmdImage(ObjectMeta.named("app"), CmdImageSpec.builder().build(), null);

        assertThat(c.status().state()).isEqualTo(new CmdImageStatus.Pending());
    }

    @Test
    void aStatusWithoutAStateCannotBeMade() {
        assertThatThrownBy(() -> new CmdImageStatus("app:v1", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Pending");
    }

    @Test
    void everyOtherStateIsNotPending() {
        MicroTime t = MicroTime.parse("2026-11-26T18:57:50Z");

        assertThat(CmdImageStatus.waiting("w").isPending()).isFalse();
        assertThat(CmdImageStatus.building("b", t).isPending()).isFalse();
        assertThat(CmdImageStatus.succeeded("app:v1", "r", t, t).isPending()).isFalse();
    }
}
