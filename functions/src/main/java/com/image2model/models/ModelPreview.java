package com.image2model.models;

/**
 * What the result path makes of a finished model: its quality report and its thumbnail (PNG,
 * {@link Thumbnail#SIZE} px). A model this reader cannot take apart still gets a report of what
 * is known (its bytes), with a warning, and no thumbnail: the model itself is never refused here.
 */
public record ModelPreview(QualityReport report, byte[] thumbnailPng) {

    public static ModelPreview of(byte[] glb) {
        GlbModel model;
        try {
            model = GlbModel.read(glb);
        } catch (GlbModel.Unreadable e) {
            return new ModelPreview(new QualityReport(0, 0, glb.length, false, 0, 0, false, new double[3], 0, null, null,
                    java.util.List.of("No preview: " + e.getMessage() + ".")), null);
        }
        Thumbnail.Image[] textures = new Thumbnail.Image[model.textures().size()];
        int[] textureSize = null;
        for (int i = 0; i < textures.length; i++) {
            textures[i] = Thumbnail.decode(model.textures().get(i));
        }
        for (GlbModel.Part part : model.parts()) {
            if (part.texture() >= 0 && textures[part.texture()] != null) {
                Thumbnail.Image used = textures[part.texture()];
                if (textureSize == null || (long) used.width() * used.height() > (long) textureSize[0] * textureSize[1]) {
                    textureSize = new int[] {used.width(), used.height()};
                }
            }
        }
        QualityReport report = QualityReport.of(model, glb.length, textureSize);
        byte[] png = model.faces() == 0 ? null : Thumbnail.png(Thumbnail.render(model, textures, Thumbnail.SIZE), Thumbnail.SIZE);
        return new ModelPreview(report, png);
    }
}
