package com.image2model.platform;

import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/** CSV downloads: RFC 4180 quoting, and no cell that a spreadsheet would run as a formula. */
public final class Csv {

    private Csv() {
    }

    /** One cell: quoted when it holds a comma, quote or line break; a leading = + - @ (or tab, CR) is defused with a quote mark. */
    public static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = String.valueOf(value);
        if (!(value instanceof Number) && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    public static String table(List<String> header, List<List<Object>> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", header.stream().map(Csv::cell).toList())).append("\r\n");
        for (List<Object> row : rows) {
            out.append(String.join(",", row.stream().map(Csv::cell).toList())).append("\r\n");
        }
        return out.toString();
    }

    /** A download: text/csv, saved under {@code filename}. */
    public static APIGatewayV2HTTPResponse download(String filename, String csv) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                .withHeaders(new java.util.LinkedHashMap<>(Map.of("content-type", "text/csv; charset=utf-8",
                        "content-disposition", "attachment; filename=\"" + filename + "\"", "cache-control", "no-store",
                        "x-content-type-options", "nosniff", "strict-transport-security", "max-age=31536000; includeSubDomains")))
                .withBody(csv).withIsBase64Encoded(false).build();
    }
}
