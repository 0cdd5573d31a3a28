package com.image2model.devstack.front;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.image2model.devstack.template.SamTemplate;

/**
 * The web app's security headers, read from template.yaml's CloudFront ResponseHeadersPolicy:
 * the same HSTS, nosniff, frame, referrer and permissions headers, and the same
 * Content-Security-Policy with its variables (the API, the sign-in domain, the buckets) given the
 * devstack's own origins. So the end-to-end suite runs the app under the policy that ships.
 */
public final class SecurityHeaders {

    private SecurityHeaders() {
    }

    /** The headers, in the order CloudFront adds them; {@code origins} gives each CSP variable its local value. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> fromTemplate(SamTemplate template, Map<String, String> origins) {
        Map<String, Map<String, Object>> policies = template.resourcesOfType("AWS::CloudFront::ResponseHeadersPolicy");
        if (policies.size() != 1) {
            throw new IllegalStateException("template.yaml must declare one AWS::CloudFront::ResponseHeadersPolicy, found " + policies.size());
        }
        Map<String, Object> config = map(map(SamTemplate.properties(policies.values().iterator().next())).get("ResponseHeadersPolicyConfig"));
        Map<String, Object> security = map(config.get("SecurityHeadersConfig"));
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, Object> hsts = map(security.get("StrictTransportSecurity"));
        if (!hsts.isEmpty()) {
            headers.put("Strict-Transport-Security", "max-age=" + hsts.get("AccessControlMaxAgeSec")
                    + (Boolean.TRUE.equals(hsts.get("IncludeSubdomains")) ? "; includeSubDomains" : "")
                    + (Boolean.TRUE.equals(hsts.get("Preload")) ? "; preload" : ""));
        }
        if (security.containsKey("ContentTypeOptions")) {
            headers.put("X-Content-Type-Options", "nosniff");
        }
        Map<String, Object> frame = map(security.get("FrameOptions"));
        if (!frame.isEmpty()) {
            headers.put("X-Frame-Options", String.valueOf(frame.get("FrameOption")));
        }
        Map<String, Object> referrer = map(security.get("ReferrerPolicy"));
        if (!referrer.isEmpty()) {
            headers.put("Referrer-Policy", String.valueOf(referrer.get("ReferrerPolicy")));
        }
        Map<String, Object> csp = map(security.get("ContentSecurityPolicy"));
        if (!csp.isEmpty()) {
            headers.put("Content-Security-Policy", substitute(csp.get("ContentSecurityPolicy"), origins));
        }
        for (Object item : (List<Object>) map(config.get("CustomHeadersConfig")).getOrDefault("Items", List.of())) {
            Map<String, Object> header = map(item);
            headers.put(String.valueOf(header.get("Header")), String.valueOf(header.get("Value")));
        }
        return headers;
    }

    /** A plain string, or a Fn::Sub [text, variables] whose ${Name} are the given origins. */
    @SuppressWarnings("unchecked")
    private static String substitute(Object value, Map<String, String> origins) {
        if (value instanceof String text) {
            return text;
        }
        Object sub = map(value).get("Fn::Sub");
        String text = sub instanceof List<?> list ? String.valueOf(list.get(0)) : String.valueOf(sub);
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String origin = origins.get(m.group(1));
            if (origin == null) {
                throw new IllegalStateException("The site's CSP names ${" + m.group(1) + "}, which the devstack has no origin for: " + origins.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(origin));
        }
        m.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
