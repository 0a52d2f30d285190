package dev.fmplex.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static final ImagePreprocessor VIT_8 = ImagePreprocessor.vitDefaults(8);

    @Test
    void aPngAtTheModelsSizeBecomesRescaledNormalizedChannelMajorFloats() throws Exception {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, (x * 30) << 16 | (y * 30) << 8 | 200);
            }
        }

        float[] pixels = VIT_8.fromBase64(base64(image, "png"));

        assertThat(pixels).hasSize(3 * 64);
        // (value / 255 - 0.5) / 0.5, red = 30x at (x, y) = (3, 5): plane 0, index 5 * 8 + 3.
        assertThat(pixels[5 * 8 + 3]).isCloseTo((float) ((90 / 255.0 - 0.5) / 0.5), within(1e-6f));
        assertThat(pixels[64 + 5 * 8 + 3])
                .isCloseTo((float) ((150 / 255.0 - 0.5) / 0.5), within(1e-6f));
        assertThat(pixels[128 + 5 * 8 + 3])
                .isCloseTo((float) ((200 / 255.0 - 0.5) / 0.5), within(1e-6f));
    }

    @Test
    void aLargerImageIsResizedAlongBothAxesKeepingItsGradient() throws Exception {
        // Red rises left to right, green top to bottom, over a 32 x 24 image.
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, (x * 8) << 16 | (y * 10) << 8);
            }
        }

        float[] pixels = VIT_8.fromBase64(base64(image, "png"));

        assertThat(pixels).hasSize(3 * 64);
        for (int y = 0; y < 8; y++) {
            for (int x = 1; x < 8; x++) {
                assertThat(pixels[y * 8 + x]).isGreaterThan(pixels[y * 8 + x - 1]);
                assertThat(pixels[64 + x * 8 + y]).isGreaterThan(pixels[64 + (x - 1) * 8 + y]);
            }
        }
        // The whole range survives: no crop of one corner.
        assertThat(pixels[0]).isLessThan((float) ((40 / 255.0 - 0.5) / 0.5));
        assertThat(pixels[7]).isGreaterThan((float) ((200 / 255.0 - 0.5) / 0.5));
    }

    @Test
    void aGrayscaleImageKeepsItsGrayLevelsInAllThreeChannels() throws Exception {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.getRaster().setSample(x, y, 0, 128);
            }
        }

        float[] pixels = VIT_8.fromBase64(base64(image, "png"));

        for (float value : pixels) {
            assertThat(value).isCloseTo((float) ((128 / 255.0 - 0.5) / 0.5), within(1e-6f));
        }
    }

    @Test
    void bytesThatAreNoImageAreRefusedWithTheReason() {
        String text =
                Base64.getEncoder().encodeToString("not an image".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> VIT_8.fromBase64(text))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("not a PNG or JPEG image (12 bytes");
        assertThatThrownBy(() -> VIT_8.fromBase64("%%% not base64"))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("not valid base64");
    }

    @Test
    void aBackboneThatDoesNotResizeRefusesAnImageOfAnotherSize() throws Exception {
        ImagePreprocessor exact =
                ImagePreprocessor.fromJson(
                        "{\"do_resize\":false,\"size\":{\"height\":8,\"width\":8}}"
                                .getBytes(StandardCharsets.UTF_8),
                        8);
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);

        assertThatThrownBy(() -> exact.pixels(image))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining(
                        "image is 16 x 16; this backbone takes 8 x 8 and does not resize");
    }

    @Test
    void thePreprocessorConfigIsReadWithTransformersFieldNames() throws Exception {
        ImagePreprocessor read =
                ImagePreprocessor.fromJson(
                        ("{\"do_normalize\":true,\"image_mean\":[0.485,0.456,0.406],"
                                        + "\"image_std\":[0.229,0.224,0.225],\"resample\":2,"
                                        + "\"rescale_factor\":0.00392156862745098,"
                                        + "\"size\":{\"height\":8,\"width\":8}}")
                                .getBytes(StandardCharsets.UTF_8),
                        8);

        assertThat(read.mean()).containsExactly(0.485, 0.456, 0.406);
        assertThat(read.std()).containsExactly(0.229, 0.224, 0.225);
        assertThat(read.doResize()).isTrue();
        assertThatThrownBy(
                        () ->
                                ImagePreprocessor.fromJson(
                                        "{\"size\":{\"height\":16,\"width\":16}}"
                                                .getBytes(StandardCharsets.UTF_8),
                                        8))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("size 16 x 16 does not match the model's image_size 8");
        assertThatThrownBy(
                        () ->
                                ImagePreprocessor.fromJson(
                                        "{\"image_std\":[0.5,0.5]}"
                                                .getBytes(StandardCharsets.UTF_8),
                                        8))
                .isInstanceOf(WeightLoadException.class)
                .hasMessageContaining("'image_std' must be a list of 3 numbers");
    }

    private static String base64(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, bytes)).isTrue();
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @Test
    void clipResizesTheShortSideThenCropsTheCenter() throws Exception {
        // 16 x 8: the short side becomes 4 (the long side 8), then the central 4 x 4 is kept.
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, (x * 16) << 16);
            }
        }
        ImagePreprocessor clip =
                ImagePreprocessor.clipFromJson(
                        "{\"size\":{\"shortest_edge\":4},\"crop_size\":4,\"do_center_crop\":true}"
                                .getBytes(StandardCharsets.UTF_8),
                        4);

        float[] pixels = clip.fromBase64(base64(image, "png"));

        assertThat(pixels).hasSize(3 * 16);
        // Red rises left to right; the crop keeps the middle of the range, not an edge.
        double left = pixels[0] * 0.26862954 + 0.48145466;
        double right = pixels[3] * 0.26862954 + 0.48145466;
        assertThat(left).isGreaterThan(50 / 255.0);
        assertThat(right).isLessThan(205 / 255.0).isGreaterThan(left);
        assertThatThrownBy(
                        () ->
                                ImagePreprocessor.clipFromJson(
                                        "{\"crop_size\":6}".getBytes(StandardCharsets.UTF_8), 4))
                .hasMessageContaining("crop_size 6 x 6 does not match the model's image_size 4");
    }
}
