package io.geokv.gateway.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A value in JSON: as text when it is UTF-8, else base64 with {@code value_encoding: base64}.
 *
 * @param encoding null for text, {@code base64} otherwise
 */
public record EncodedValue(String text, String encoding) {

    public static EncodedValue of(byte[] value) {
        String text = utf8OrNull(value);
        return text != null
                ? new EncodedValue(text, null)
                : new EncodedValue(Base64.getEncoder().encodeToString(value), "base64");
    }

    /** The bytes as text if they are well-formed UTF-8, else null. */
    public static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
