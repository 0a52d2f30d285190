package dev.fmplex.engine.image;

import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.RequestInputs;
import dev.fmplex.model.api.ImageSizePolicy;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks and converts the {@code inputs} of an infer request on a vision backbone, before any model
 * work is queued. Each input is one JSON object:
 *
 * <ul>
 *   <li>{@code {"image": "<base64 PNG or JPEG>"}} (a {@code data:image/...;base64,} prefix is
 *       allowed): decoded, then resized (or, under {@link ImageSizePolicy#EXACT}, refused when its
 *       size differs), rescaled and normalized as the backbone's preprocessor prescribes;
 *   <li>{@code {"pixels": [[[...]]]}}: an already preprocessed float tensor, {@code [channels]
 *       [height][width]} at exactly the backbone's size.
 * </ul>
 *
 * Every refusal is an {@link InvalidInputException} naming the input and the limit.
 */
public final class ImageInputs {

    /**
     * The largest image decoded, in pixels (4096 x 4096): its size is read from the header first,
     * so a small file that would decompress into gigabytes is refused before it is decoded.
     */
    public static final long MAX_IMAGE_PIXELS = 4096L * 4096L;

    private static final String IMAGE = "image";
    private static final String PIXELS = "pixels";
    private static final Set<String> FIELDS = Set.of(IMAGE, PIXELS);

    private final String backbone;
    private final ImagePreprocessor preprocessor;
    private final int channels;
    private final int units;

    /**
     * @param backbone the backbone's name, for messages
     * @param channels the channels the backbone's patch embedding reads; images are RGB, so a
     *     backbone of another channel count takes only {@code pixels}
     * @param units the positions one image costs the backbone (patches plus the class token)
     */
    public ImageInputs(String backbone, ImagePreprocessor preprocessor, int channels, int units) {
        this.backbone = backbone;
        this.preprocessor = preprocessor;
        this.channels = channels;
        this.units = units;
    }

    /** Returns the inputs preprocessed, in order, or throws naming the first offending input. */
    public List<ImageInput> require(List<Object> inputs, int maxInputs, ImageSizePolicy policy) {
        RequestInputs.requireCount(
                inputs, maxInputs, "a list of {\"image\": base64} or {\"pixels\": [...]} objects");
        List<ImageInput> images = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            images.add(one("inputs[" + i + "]", inputs.get(i), policy));
        }
        return images;
    }

    /**
     * One input, named {@code field} in messages; for backbones whose requests mix images with
     * other inputs.
     */
    public ImageInput one(String field, Object value, ImageSizePolicy policy) {
        if (value instanceof String) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_MODALITY,
                    field,
                    field
                            + " is a string (text); backbone "
                            + backbone
                            + " takes images: send {\"image\": \"<base64 PNG or JPEG>\"} or"
                            + " {\"pixels\": [channels][height][width]}");
        }
        if (!(value instanceof Map<?, ?> object)) {
            throw invalid(
                    field,
                    field
                            + " must be an object with \"image\" or \"pixels\", got "
                            + RequestInputs.jsonKind(value));
        }
        Set<String> keys = new TreeSet<>();
        object.keySet().forEach(key -> keys.add(String.valueOf(key)));
        if (keys.size() != 1 || !FIELDS.contains(keys.iterator().next())) {
            throw invalid(
                    field,
                    field + " must hold exactly one of \"image\" or \"pixels\", holds " + keys);
        }
        return keys.contains(IMAGE)
                ? encoded(field + "." + IMAGE, object.get(IMAGE), policy)
                : tensor(field + "." + PIXELS, object.get(PIXELS));
    }

    private ImageInput encoded(String field, Object value, ImageSizePolicy policy) {
        if (!(value instanceof String text)) {
            throw invalid(
                    field,
                    field + " must be a base64 string, got " + RequestInputs.jsonKind(value));
        }
        if (channels != 3) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_INPUT_SHAPE,
                    field,
                    "backbone "
                            + backbone
                            + " reads "
                            + channels
                            + "-channel inputs, not RGB images: send \"pixels\" instead");
        }
        byte[] bytes = base64(field, text);
        BufferedImage image = decode(field, bytes);
        if (policy == ImageSizePolicy.EXACT
                && (image.getWidth() != preprocessor.width()
                        || image.getHeight() != preprocessor.height())) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_INPUT_SHAPE,
                    field,
                    field
                            + " is "
                            + image.getWidth()
                            + " x "
                            + image.getHeight()
                            + "; with imageSize \"exact\" backbone "
                            + backbone
                            + " takes only "
                            + preprocessor.width()
                            + " x "
                            + preprocessor.height()
                            + " (send \"imageSize\": \"resize\" to resize it)",
                    Map.of(
                            "expected",
                            List.of(preprocessor.width(), preprocessor.height()),
                            "actual",
                            List.of(image.getWidth(), image.getHeight())),
                    null);
        }
        try {
            return new ImageInput(preprocessor.pixels(image), units);
        } catch (ImageDecodeException e) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_INPUT_SHAPE,
                    field,
                    field + ": " + e.getMessage());
        }
    }

    private static byte[] base64(String field, String text) {
        String payload = text;
        if (payload.startsWith("data:")) {
            int comma = payload.indexOf(',');
            if (comma < 0 || !payload.substring(0, comma).endsWith(";base64")) {
                throw undecodable(field, field + " is a data URL but not a base64 one");
            }
            payload = payload.substring(comma + 1);
        }
        try {
            return Base64.getMimeDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw undecodable(field, field + " is not valid base64: " + e.getMessage());
        }
    }

    /** Reads the header first, so that the size limit holds before any pixel is decoded. */
    private static BufferedImage decode(String field, byte[] bytes) {
        try (ImageInputStream stream =
                ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw undecodable(
                        field,
                        field
                                + " is not a PNG or JPEG image ("
                                + bytes.length
                                + " bytes of an unknown format)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_IMAGE_PIXELS) {
                    throw new InvalidInputException(
                            InvalidInputException.Reason.WRONG_INPUT_SHAPE,
                            field,
                            field
                                    + " is "
                                    + reader.getWidth(0)
                                    + " x "
                                    + reader.getHeight(0)
                                    + "; the limit is "
                                    + MAX_IMAGE_PIXELS
                                    + " pixels (4096 x 4096)",
                            Map.of("limit", MAX_IMAGE_PIXELS, "actual", pixels),
                            null);
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException problem) {
                throw problem;
            }
            throw undecodable(field, field + " cannot be decoded as an image: " + e.getMessage());
        }
    }

    private ImageInput tensor(String field, Object value) {
        int height = preprocessor.height();
        int width = preprocessor.width();
        float[] pixels = new float[channels * height * width];
        List<?> planes = list(field, value, channels, "channels");
        for (int c = 0; c < channels; c++) {
            String planeField = field + "[" + c + "]";
            List<?> rows = list(planeField, planes.get(c), height, "rows");
            for (int y = 0; y < height; y++) {
                String rowField = planeField + "[" + y + "]";
                List<?> row = list(rowField, rows.get(y), width, "values");
                for (int x = 0; x < width; x++) {
                    Object number = row.get(x);
                    if (!(number instanceof Number n) || !Float.isFinite(n.floatValue())) {
                        throw new InvalidInputException(
                                InvalidInputException.Reason.INVALID_INPUT_VALUE,
                                rowField + "[" + x + "]",
                                rowField
                                        + "["
                                        + x
                                        + "] must be a finite 32-bit float, got "
                                        + (number instanceof Number
                                                ? number
                                                : RequestInputs.jsonKind(number)));
                    }
                    pixels[(c * height + y) * width + x] = n.floatValue();
                }
            }
        }
        return new ImageInput(pixels, units);
    }

    private List<?> list(String field, Object value, int size, String what) {
        if (!(value instanceof List<?> list) || list.size() != size) {
            String actual =
                    value instanceof List<?> list
                            ? "has " + list.size()
                            : "is " + RequestInputs.jsonKind(value);
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_INPUT_SHAPE,
                    field,
                    field
                            + " must be an array of "
                            + size
                            + " "
                            + what
                            + " ("
                            + backbone
                            + " takes pixels of shape ["
                            + channels
                            + ", "
                            + preprocessor.height()
                            + ", "
                            + preprocessor.width()
                            + "]); it "
                            + actual,
                    Map.of("expected", size),
                    null);
        }
        return list;
    }

    private static InvalidInputException invalid(String field, String detail) {
        return new InvalidInputException(
                InvalidInputException.Reason.INVALID_REQUEST, field, detail);
    }

    private static InvalidInputException undecodable(String field, String detail) {
        return new InvalidInputException(
                InvalidInputException.Reason.UNDECODABLE_INPUT, field, detail);
    }
}
