package dev.fmplex.control.protocol.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Reply of {@code GET /v1/models}: the vFMs the key may call. */
public record ModelList(String object, List<Model> data) {

    /**
     * One vFM as an OpenAI model.
     *
     * @param id the name to send as {@code model}
     * @param created the vFM's creation time, in seconds since the epoch
     * @param ownedBy the vFM's tenant
     */
    public record Model(
            String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {}
}
