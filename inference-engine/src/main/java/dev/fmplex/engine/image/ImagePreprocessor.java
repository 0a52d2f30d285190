package dev.fmplex.engine.image;

import dev.fmplex.engine.checkpoint.ConfigFields;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;

/**
 * The preprocessing of Hugging Face's {@code ViTImageProcessor}, read from {@code
 * preprocessor_config.json}: resize to {@code size} (bilinear), rescale by {@code rescale_factor}
 * (1/255), normalize per channel by {@code image_mean} and {@code image_std}; output channel-major
 * RGB floats, {@code [3, height, width]}.
 *
 * <p>Resizing uses Java2D's bilinear interpolation over 2 x 2 source pixels. PIL's bilinear resize
 * filters over the whole footprint of each output pixel when downscaling, so a large photo shrunk
 * here aliases where PIL's would not: send images at (or near) the model's size for outputs that
 * match transformers. Images already at the model's size are not resized at all, so their pixels
 * are exactly what transformers computes. Grayscale images are read from their single band and
 * copied to the three channels, as PIL's {@code convert("RGB")} does.
 *
 * <p>For CLIP ({@code CLIPImageProcessor}) the image is instead resized so that its short side is
 * {@code shortestEdge} (the long side truncated to an integer, as transformers computes it) and
 * then center-cropped to {@code height x width}; CLIP resizes bicubically (Java2D's bicubic, whose
 * kernel and lack of antialiasing differ from PIL's).
 *
 * @param doResize whether to resize; when false, images must already have the model's size
 * @param shortestEdge 0 to resize to exactly {@code height x width}; else the short side to resize
 *     to before a center crop to {@code height x width}
 * @param bicubic bicubic interpolation (PIL resample 3) instead of bilinear
 */
public record ImagePreprocessor(
        boolean doResize,
        int height,
        int width,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        double[] mean,
        double[] std,
        int shortestEdge,
        boolean bicubic) {

    /** The file a vision checkpoint keeps its preprocessing in. */
    public static final String FILE = "preprocessor_config.json";

    /** The defaults of {@code ViTImageProcessor}: 224 x 224, 1/255, mean and std 0.5. */
    public static ImagePreprocessor vitDefaults(int size) {
        return new ImagePreprocessor(
                true,
                size,
                size,
                true,
                1 / 255.0,
                true,
                new double[] {0.5, 0.5, 0.5},
                new double[] {0.5, 0.5, 0.5},
                0,
                false);
    }

    /**
     * The defaults of {@code CLIPImageProcessor}: short side to {@code size} (bicubic), center crop
     * {@code size x size}, 1/255, OpenAI's CLIP mean and std.
     */
    public static ImagePreprocessor clipDefaults(int size) {
        return new ImagePreprocessor(
                true,
                size,
                size,
                true,
                1 / 255.0,
                true,
                new double[] {0.48145466, 0.4578275, 0.40821073},
                new double[] {0.26862954, 0.26130258, 0.27577711},
                size,
                true);
    }

    /**
     * Reads a CLIP {@code preprocessor_config.json}: {@code size} as an integer or {@code
     * {shortest_edge}}, {@code crop_size} as an integer or {@code {height, width}}, which must be
     * the model's image size; absent fields take {@code CLIPImageProcessor}'s defaults.
     */
    public static ImagePreprocessor clipFromJson(byte[] json, int modelSize)
            throws WeightLoadException {
        ConfigFields root = ConfigFields.parse(FILE, json);
        ImagePreprocessor defaults = clipDefaults(modelSize);
        int shortest = modelSize;
        ConfigFields size = root.object("size");
        if (size != null) {
            shortest = size.optionalInt("shortest_edge", modelSize);
        } else if (root.node("size") != null) {
            shortest = root.requiredInt("size");
        }
        requireModelSize(root, "crop_size", modelSize);
        if (!root.optionalBoolean("do_center_crop", true) || shortest < modelSize) {
            throw new WeightLoadException(
                    FILE
                            + ": only a resize of the short side to at least the crop size, then"
                            + " a center crop, is supported (do_center_crop true, size >= "
                            + modelSize
                            + ")");
        }
        try {
            return new ImagePreprocessor(
                    root.optionalBoolean("do_resize", true),
                    modelSize,
                    modelSize,
                    root.optionalBoolean("do_rescale", true),
                    root.optionalDouble("rescale_factor", 1 / 255.0),
                    root.optionalBoolean("do_normalize", true),
                    triple(root, "image_mean", defaults.mean()),
                    triple(root, "image_std", defaults.std()),
                    shortest,
                    root.optionalInt("resample", 3) == 3);
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException(FILE + ": " + e.getMessage(), e);
        }
    }

    public ImagePreprocessor {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "size must be positive, is " + height + " x " + width);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("image_mean and image_std need 3 values (RGB)");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("image_std values must be > 0");
            }
        }
    }

    /**
     * Reads {@code preprocessor_config.json}; absent fields take {@code ViTImageProcessor}'s
     * defaults.
     */
    public static ImagePreprocessor fromJson(byte[] json, int modelSize)
            throws WeightLoadException {
        ConfigFields root = ConfigFields.parse(FILE, json);
        ImagePreprocessor defaults = vitDefaults(modelSize);
        requireModelSize(root, "size", modelSize);
        int height = modelSize;
        int width = modelSize;
        try {
            return new ImagePreprocessor(
                    root.optionalBoolean("do_resize", true),
                    height,
                    width,
                    root.optionalBoolean("do_rescale", true),
                    root.optionalDouble("rescale_factor", 1 / 255.0),
                    root.optionalBoolean("do_normalize", true),
                    triple(root, "image_mean", defaults.mean()),
                    triple(root, "image_std", defaults.std()),
                    0,
                    false);
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException(FILE + ": " + e.getMessage(), e);
        }
    }

    /** Decodes base64 PNG or JPEG bytes and preprocesses them. */
    public float[] fromBase64(String base64) throws ImageDecodeException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ImageDecodeException("not valid base64: " + e.getMessage(), e);
        }
        return pixels(decode(bytes));
    }

    /** Decodes PNG or JPEG bytes. */
    public static BufferedImage decode(byte[] bytes) throws ImageDecodeException {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("cannot decode the image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new ImageDecodeException(
                    "not a PNG or JPEG image (" + bytes.length + " bytes, unknown format)");
        }
        return image;
    }

    /** Channel-major RGB floats of {@code image}, resized, rescaled and normalized. */
    public float[] pixels(BufferedImage image) throws ImageDecodeException {
        BufferedImage sized = image;
        boolean otherSize = image.getHeight() != height || image.getWidth() != width;
        // CLIP resizes the short side even when the image has the crop size (size > crop_size).
        boolean clipResize =
                doResize && shortestEdge > 0 && shortestEdge != Math.min(width, height);
        if (otherSize || clipResize) {
            if (!doResize) {
                throw new ImageDecodeException(
                        "image is "
                                + image.getWidth()
                                + " x "
                                + image.getHeight()
                                + "; this backbone takes "
                                + width
                                + " x "
                                + height
                                + " and does not resize");
            }
            sized =
                    shortestEdge > 0
                            ? centerCrop(resizeShortSide(image))
                            : resize(image, width, height);
        }
        float[] out = new float[3 * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] channels = rgb(sized, x, y);
                for (int c = 0; c < 3; c++) {
                    double value = channels[c];
                    if (doRescale) {
                        value *= rescaleFactor;
                    }
                    if (doNormalize) {
                        value = (value - mean[c]) / std[c];
                    }
                    out[c * plane + y * width + x] = (float) value;
                }
            }
        }
        return out;
    }

    /**
     * 8-bit R, G, B at (x, y). A single-band (grayscale) image is read from its raster: {@code
     * getRGB} would convert its linear gray to sRGB and brighten it.
     */
    private static int[] rgb(BufferedImage image, int x, int y) {
        if (image.getRaster().getNumBands() == 1 && image.getColorModel().getPixelSize() == 8) {
            int gray = image.getRaster().getSample(x, y, 0);
            return new int[] {gray, gray, gray};
        }
        int rgb = image.getRGB(x, y);
        return new int[] {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
    }

    /**
     * The short side to {@code shortestEdge}; the long side scaled and truncated. An extreme aspect
     * ratio (a 4096 x 1 strip) would resize to gigabytes and is refused instead.
     */
    private BufferedImage resizeShortSide(BufferedImage image) throws ImageDecodeException {
        int w = image.getWidth();
        int h = image.getHeight();
        if (Math.min(w, h) == shortestEdge) {
            return image;
        }
        long resizedWidth = w <= h ? shortestEdge : (long) shortestEdge * w / h;
        long resizedHeight = w <= h ? (long) shortestEdge * h / w : shortestEdge;
        if (resizedWidth * resizedHeight > MAX_RESIZED_PIXELS) {
            throw new ImageDecodeException(
                    "image is "
                            + w
                            + " x "
                            + h
                            + ": its short side resized to "
                            + shortestEdge
                            + " makes it "
                            + resizedWidth
                            + " x "
                            + resizedHeight
                            + ", over the "
                            + MAX_RESIZED_PIXELS
                            + "-pixel limit; crop it nearer to a square first");
        }
        return resize(image, (int) resizedWidth, (int) resizedHeight);
    }

    /** The largest intermediate image a short-side resize may make (4096 x 4096). */
    static final long MAX_RESIZED_PIXELS = 4096L * 4096L;

    /** The central {@code width x height}, its top-left corner rounded down. */
    private BufferedImage centerCrop(BufferedImage image) {
        int left = (image.getWidth() - width) / 2;
        int top = (image.getHeight() - height) / 2;
        return image.getSubimage(left, top, width, height);
    }

    private BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage sized =
                new BufferedImage(
                        width,
                        height,
                        image.getRaster().getNumBands() == 1
                                ? BufferedImage.TYPE_BYTE_GRAY
                                : BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = sized.createGraphics();
        try {
            graphics.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION,
                    bicubic
                            ? RenderingHints.VALUE_INTERPOLATION_BICUBIC
                            : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.drawImage(image, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        return sized;
    }

    /**
     * Checks that {@code field} (an integer, or {@code {height, width}}; absent means the model's
     * size) is the model's square size: FMplex takes images at the size the model was trained at.
     */
    private static void requireModelSize(ConfigFields root, String field, int modelSize)
            throws WeightLoadException {
        int height = modelSize;
        int width = modelSize;
        ConfigFields size = root.object(field);
        if (size != null) {
            height = size.optionalInt("height", modelSize);
            width = size.optionalInt("width", modelSize);
        } else if (root.node(field) != null) {
            height = root.requiredInt(field);
            width = height;
        }
        if (height != modelSize || width != modelSize) {
            throw new WeightLoadException(
                    FILE
                            + " "
                            + field
                            + " "
                            + height
                            + " x "
                            + width
                            + " does not match the model's image_size "
                            + modelSize);
        }
    }

    /** Three numbers (one per RGB channel), or one number for all three. */
    private static double[] triple(ConfigFields root, String field, double[] fallback)
            throws WeightLoadException {
        JsonNode value = root.node(field);
        if (value == null) {
            return fallback;
        }
        if (value.isNumber()) {
            return new double[] {value.doubleValue(), value.doubleValue(), value.doubleValue()};
        }
        if (!value.isArray() || value.size() != 3) {
            throw root.error(field, "must be a list of 3 numbers");
        }
        double[] values = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!value.get(i).isNumber()) {
                throw root.error(field, "must be a list of 3 numbers");
            }
            values[i] = value.get(i).doubleValue();
        }
        return values;
    }
}
