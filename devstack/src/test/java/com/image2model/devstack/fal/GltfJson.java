package com.image2model.devstack.fal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A GLB's JSON chunk (the first chunk, after the 12-byte header and its own 8-byte header). */
public final class GltfJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GltfJson() {
    }

    public static JsonNode of(byte[] glb) throws java.io.IOException {
        int jsonLength = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        return JSON.readTree(new String(glb, 20, jsonLength, StandardCharsets.UTF_8));
    }
}
