package dev.fmplex.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.InvalidInputException.Reason;
import dev.fmplex.model.api.ImageSizePolicy;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageInputsTest {

    /** A 4 x 4 RGB backbone whose images cost 5 positions (4 patches and the class token). */
    private final ImageInputs inputs =
            new ImageInputs("tiny-vit", ImagePreprocessor.vitDefaults(4), 3, 5);

    @Test
    void imagesAndPixelTensorsBecomeInputsInOrder() throws Exception {
        String png = png(4, 4);
        List<ImageInput> images =
                inputs.require(
                        List.of(
                                Map.of("image", png),
                                Map.of("pixels", pixels(3, 4, 4, 0.25)),
                                Map.of("image", "data:image/png;base64," + png)),
                        3,
                        ImageSizePolicy.RESIZE);

        assertThat(images).hasSize(3);
        assertThat(images).allSatisfy(image -> assertThat(image.units()).isEqualTo(5));
        assertThat(images.get(1).pixels()).hasSize(48).containsOnly(0.25f);
        assertThat(images.get(2).pixels()).containsExactly(images.get(0).pixels());
    }

    @Test
    void aTextInputIsOfTheWrongModality() {
        assertRefused(
                List.of("a photo of a cat"),
                ImageSizePolicy.RESIZE,
                Reason.WRONG_MODALITY,
                "inputs[0]",
                "inputs[0] is a string (text); backbone tiny-vit takes images");
    }

    @Test
    void anObjectMustHoldExactlyOneOfImageOrPixels() {
        assertRefused(
                List.of(Map.of("image", "x", "pixels", List.of())),
                ImageSizePolicy.RESIZE,
                Reason.INVALID_REQUEST,
                "inputs[0]",
                "exactly one of \"image\" or \"pixels\", holds [image, pixels]");
        assertRefused(
                List.of(Map.of("url", "http://x")),
                ImageSizePolicy.RESIZE,
                Reason.INVALID_REQUEST,
                "inputs[0]",
                "holds [url]");
        assertRefused(
                List.of(7),
                ImageSizePolicy.RESIZE,
                Reason.INVALID_REQUEST,
                "inputs[0]",
                "got a number");
    }

    @Test
    void undecodableImagesAreNamed() throws Exception {
        assertRefused(
                List.of(Map.of("image", png(4, 4)), Map.of("image", "not base64!")),
                ImageSizePolicy.RESIZE,
                Reason.UNDECODABLE_INPUT,
                "inputs[1].image",
                "inputs[1].image is not valid base64");
        String text = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
        assertRefused(
                List.of(Map.of("image", text)),
                ImageSizePolicy.RESIZE,
                Reason.UNDECODABLE_INPUT,
                "inputs[0].image",
                "is not a PNG or JPEG image (5 bytes of an unknown format)");
        // A PNG signature with nothing after it.
        String truncated =
                Base64.getEncoder()
                        .encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        assertRefused(
                List.of(Map.of("image", truncated)),
                ImageSizePolicy.RESIZE,
                Reason.UNDECODABLE_INPUT,
                "inputs[0].image",
                "cannot be decoded as an image");
    }

    @Test
    void theExactPolicyRefusesAnImageOfAnotherSizeAndResizeAcceptsIt() throws Exception {
        List<Object> sixBySix = List.of(Map.of("image", png(6, 6)));
        assertThat(inputs.require(sixBySix, 1, ImageSizePolicy.RESIZE).get(0).pixels()).hasSize(48);
        assertThatThrownBy(() -> inputs.require(sixBySix, 1, ImageSizePolicy.EXACT))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(Reason.WRONG_INPUT_SHAPE);
                            assertThat(e.field()).isEqualTo("inputs[0].image");
                            assertThat(e.getMessage())
                                    .contains("is 6 x 6; with imageSize \"exact\"")
                                    .contains("takes only 4 x 4");
                            assertThat(e.limits())
                                    .containsEntry("expected", List.of(4, 4))
                                    .containsEntry("actual", List.of(6, 6));
                        });
    }

    @Test
    void anImageOverThePixelLimitIsRefusedFromItsHeader() throws Exception {
        // 1-bit pixels keep the test image small in memory and on the wire.
        BufferedImage huge = new BufferedImage(5000, 4000, BufferedImage.TYPE_BYTE_BINARY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(huge, "png", bytes);
        assertRefused(
                List.of(Map.of("image", Base64.getEncoder().encodeToString(bytes.toByteArray()))),
                ImageSizePolicy.RESIZE,
                Reason.WRONG_INPUT_SHAPE,
                "inputs[0].image",
                "is 5000 x 4000; the limit is 16777216 pixels");
    }

    @Test
    void pixelTensorsOfTheWrongShapeOrWithNonNumbersAreNamedToTheElement() {
        assertRefused(
                List.of(Map.of("pixels", pixels(1, 4, 4, 0))),
                ImageSizePolicy.RESIZE,
                Reason.WRONG_INPUT_SHAPE,
                "inputs[0].pixels",
                "must be an array of 3 channels (tiny-vit takes pixels of shape [3, 4, 4]); it"
                        + " has 1");
        List<Object> shortRow = pixels(3, 4, 4, 0);
        castRows(shortRow, 2).set(3, List.of(0.0, 0.0));
        assertRefused(
                List.of(Map.of("pixels", shortRow)),
                ImageSizePolicy.RESIZE,
                Reason.WRONG_INPUT_SHAPE,
                "inputs[0].pixels[2][3]",
                "must be an array of 4 values");
        List<Object> withNull = pixels(3, 4, 4, 0);
        castRow(withNull, 1, 2).set(0, null);
        assertRefused(
                List.of(Map.of("pixels", withNull)),
                ImageSizePolicy.RESIZE,
                Reason.INVALID_INPUT_VALUE,
                "inputs[0].pixels[1][2][0]",
                "must be a finite 32-bit float, got null");
        List<Object> huge = pixels(3, 4, 4, 0);
        castRow(huge, 0, 1).set(3, 1e39);
        assertRefused(
                List.of(Map.of("pixels", huge)),
                ImageSizePolicy.RESIZE,
                Reason.INVALID_INPUT_VALUE,
                "inputs[0].pixels[0][1][3]",
                "must be a finite 32-bit float, got 1.0E39");
    }

    @Test
    void aClipImageIsResizedEvenAtTheCropSizeAndAnExtremeStripIsRefused() throws Exception {
        ImageInputs clip =
                new ImageInputs(
                        "tiny-clip",
                        ImagePreprocessor.clipFromJson(
                                "{\"size\":8,\"crop_size\":4}".getBytes(StandardCharsets.UTF_8), 4),
                        3,
                        5);
        // A 4 x 4 image goes to 8 x 8 and back to its central 4 x 4: not the identity.
        ImageInputs clipAtCropSize =
                new ImageInputs(
                        "tiny-clip",
                        ImagePreprocessor.clipFromJson(
                                "{\"size\":4,\"crop_size\":4}".getBytes(StandardCharsets.UTF_8), 4),
                        3,
                        5);
        float[] direct =
                clipAtCropSize
                        .require(List.of(Map.of("image", png(4, 4))), 1, ImageSizePolicy.RESIZE)
                        .get(0)
                        .pixels();
        float[] resized =
                clip.require(List.of(Map.of("image", png(4, 4))), 1, ImageSizePolicy.RESIZE)
                        .get(0)
                        .pixels();
        assertThat(resized).hasSize(48);
        assertThat(resized).isNotEqualTo(direct);
        // At CLIP's 224, a 4096 x 1 strip would resize to 917504 x 224.
        ImageInputs clip224 =
                new ImageInputs(
                        "clip-b32",
                        ImagePreprocessor.clipFromJson("{}".getBytes(StandardCharsets.UTF_8), 224),
                        3,
                        50);
        assertThatThrownBy(
                        () ->
                                clip224.require(
                                        List.of(Map.of("image", png(4096, 1))),
                                        1,
                                        ImageSizePolicy.RESIZE))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(Reason.WRONG_INPUT_SHAPE);
                            assertThat(e.field()).isEqualTo("inputs[0].image");
                            assertThat(e.getMessage()).contains("crop it nearer to a square");
                        });
    }

    @Test
    void theInputCountIsChecked() {
        assertRefused(
                Collections.nCopies(3, Map.of("pixels", pixels(3, 4, 4, 0))),
                ImageSizePolicy.RESIZE,
                Reason.TOO_MANY_INPUTS,
                "inputs",
                "inputs holds 3 items; the limit is 2");
    }

    /** Asserts the problem {@code values} get under a limit of 2 inputs. */
    private void assertRefused(
            List<Object> values,
            ImageSizePolicy policy,
            Reason type,
            String field,
            String message) {
        assertThatThrownBy(() -> inputs.require(values, 2, policy))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(type);
                            assertThat(e.field()).isEqualTo(field);
                            assertThat(e.getMessage()).contains(message);
                        });
    }

    private static List<Object> pixels(int channels, int height, int width, double value) {
        List<Object> planes = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            List<Object> rows = new ArrayList<>();
            for (int y = 0; y < height; y++) {
                rows.add(new ArrayList<Object>(Collections.nCopies(width, value)));
            }
            planes.add(rows);
        }
        return planes;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castRows(List<Object> planes, int channel) {
        return (List<Object>) planes.get(channel);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castRow(List<Object> planes, int channel, int row) {
        return (List<Object>) castRows(planes, channel).get(row);
    }

    private static String png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 40) << 16 | (y * 40) << 8 | 90);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
