package dev.camrelay.server.config;

import com.fasterxml.jackson.databind.JsonMappingException;

/** Renders where in a YAML or JSON document Jackson found a problem, as the user wrote it: {@code cameras[0].id}. */
public final class FieldPath {

    private FieldPath() {
    }

    public static String of(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(document)" : path.toString();
    }
}
