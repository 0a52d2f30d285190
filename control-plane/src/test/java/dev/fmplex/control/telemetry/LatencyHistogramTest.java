package dev.fmplex.control.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void anEmptyHistogramHasNoPercentiles() {
        assertThat(new LatencyHistogram().percentile(0.5)).isNull();
    }

    @Test
    void oneValueIsReportedExactly() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.add(17.3);
        assertThat(histogram.percentile(0.5)).isEqualTo(17.3);
        assertThat(histogram.percentile(0.99)).isEqualTo(17.3);
    }

    @Test
    void percentilesAreWithinOneBinOfTheTruth() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            histogram.add(ms);
        }
        // A bin is 25% wide and the estimate is its upper edge: at most 25% high, never low.
        assertThat(histogram.percentile(0.5)).isBetween(500.0, 625.0);
        assertThat(histogram.percentile(0.99)).isBetween(990.0, 1000.0);
        assertThat(histogram.percentile(0.0)).isEqualTo(1.0);
        assertThat(histogram.percentile(1.0)).isEqualTo(1000.0);
    }

    @Test
    void mergedHistogramsEqualOneFedWithBoth() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram both = new LatencyHistogram();
        for (int i = 0; i < 200; i++) {
            double fast = 2 + i * 0.01;
            double slow = 80 + i;
            a.add(fast);
            b.add(slow);
            both.add(fast);
            both.add(slow);
        }
        a.addAll(b);
        assertThat(a.total()).isEqualTo(400);
        assertThat(a.percentile(0.5)).isEqualTo(both.percentile(0.5));
        assertThat(a.percentile(0.99)).isEqualTo(both.percentile(0.99));
    }

    @Test
    void extremesLandInTheFirstAndLastBins() {
        assertThat(LatencyHistogram.bin(0)).isZero();
        assertThat(LatencyHistogram.bin(-1)).isZero();
        assertThat(LatencyHistogram.bin(Double.NaN)).isZero();
        assertThat(LatencyHistogram.bin(1e9)).isEqualTo(LatencyHistogram.BINS - 1);
        assertThat(LatencyHistogram.upperEdge(LatencyHistogram.bin(10))).isCloseTo(10, within(2.5));
    }
}
