package com.image2model.devstack.identity;

import java.util.List;
import java.util.Map;

/** The managed-login pages of the Cognito stand-in: sign in, create an account, set a new password. */
final class LoginPage {

    private static final List<String> OAUTH_FIELDS = List.of("client_id", "redirect_uri", "response_type", "state", "scope",
            "code_challenge", "code_challenge_method", "nonce", "login_hint");

    private LoginPage() {
    }

    static String signIn(Map<String, String> params, String error, String screen) {
        return signIn(params, error, screen, false);
    }

    /** As above; {@code emailCodes}: the pool lets people sign in with a code emailed to them instead of a password. */
    static String signIn(Map<String, String> params, String error, String screen, boolean emailCodes) {
        if ("forgot".equals(screen)) {
            return forgotPassword(params, error);
        }
        boolean signUp = "signup".equals(screen);
        // Cognito's login_hint fills the username in (the web app sends it after an invitation was accepted).
        String email = escape(params.getOrDefault("email", params.getOrDefault("login_hint", "")));
        return page(signUp ? "Create your account" : "Sign in", (error == null ? "" : alert(error))
                + (signUp ? """
                <form method="post" action="/signup">
                  %s
                  <label for="email">Work email</label>
                  <input id="email" name="email" type="email" autocomplete="email" required value="%s">
                  <label for="company_name">Company name <span class="hint">(if you are the first of your company)</span></label>
                  <input id="company_name" name="company_name" type="text" maxlength="80" autocomplete="organization" value="%s">
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10">
                  <p class="hint">At least 10 characters, with upper- and lower-case letters and a number.</p>
                  <button type="submit">Create account</button>
                </form>
                <p>Already have an account? <a href="%s">Sign in</a></p>
                """.formatted(hidden(params), email, escape(params.getOrDefault("company_name", "")), link(params, "signin"))
                : """
                <form method="post" action="/login">
                  %s
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required value="%s">
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required>
                  <button type="submit">Sign in</button>%s
                </form>
                <p><a href="%s" id="forgot-password">Forgot your password?</a></p>
                <p>New to Image2Model? <a href="%s">Create an account</a></p>
                """.formatted(hidden(params), email, emailCodes ? """

                  <p class="hint">Or, without a password:</p>
                  <button type="submit" formaction="/login/code" formnovalidate id="email-code" class="secondary">Email me a sign-in code</button>"""
                        : "", link(params, "forgot"), link(params, "signup"))));
    }

    /** Choice-based sign-in's second step: the one-time code emailed to the address (8 digits, 3 minutes, 3 tries). */
    static String emailCode(Map<String, String> params, String error) {
        return page("Enter your sign-in code", (error == null ? "" : alert(error)) + """
                <p>If <b>%s</b> has an account, we emailed it a sign-in code. It works for 3 minutes.</p>
                <form method="post" action="/login/code/verify">
                  %s
                  <input type="hidden" name="email" value="%s">
                  <label for="sign-in-code">Code</label>
                  <input id="sign-in-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{8}" maxlength="8" required>
                  <button type="submit">Sign in</button>
                </form>
                <form method="post" action="/login/code">
                  %s
                  <input type="hidden" name="email" value="%s">
                  <button type="submit" class="secondary" id="new-code">Send a new code</button>
                </form>
                """.formatted(escape(params.getOrDefault("email", "")), hidden(params), escape(params.getOrDefault("email", "")), hidden(params),
                escape(params.getOrDefault("email", ""))));
    }

    /** Cognito's "Forgot your password?": the address first; a code is emailed to it. */
    static String forgotPassword(Map<String, String> params, String error) {
        return page("Reset your password", (error == null ? "" : alert(error)) + """
                <p>Enter your email. If it has an account, we send it a code to set a new password.</p>
                <form method="post" action="/forgotPassword">
                  %s
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required value="%s">
                  <button type="submit">Send me a code</button>
                </form>
                <p><a href="%s">Back to sign in</a></p>
                """.formatted(hidden(params), escape(params.getOrDefault("email", "")), link(params, "signin")));
    }

    /** The code from the email and the new password. */
    static String confirmForgotPassword(Map<String, String> params, String error) {
        return page("Set a new password", (error == null ? "" : alert(error)) + """
                <p>We sent a code to %s if it has an account. It works for one hour.</p>
                <form method="post" action="/confirmForgotPassword">
                  %s
                  <input type="hidden" name="email" value="%s">
                  <label for="code">Code</label>
                  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
                  <label for="new_password">New password</label>
                  <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="10">
                  <p class="hint">At least 10 characters, with upper- and lower-case letters and a number.</p>
                  <button type="submit">Set password and sign in</button>
                </form>
                """.formatted(escape(params.getOrDefault("email", "")), hidden(params), escape(params.getOrDefault("email", ""))));
    }

    static String newPassword(Map<String, String> params, String error) {
        return page("Choose a new password", (error == null ? "" : alert(error)) + """
                <p>You signed in with a temporary password. Choose your own to continue.</p>
                <form method="post" action="/login">
                  %s
                  <input type="hidden" name="email" value="%s">
                  <input type="hidden" name="password" value="%s">
                  <label for="new_password">New password</label>
                  <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="10">
                  <button type="submit">Set password and sign in</button>
                </form>
                """.formatted(hidden(params), escape(params.getOrDefault("email", "")), escape(params.getOrDefault("password", ""))));
    }

    static String error(String message) {
        return page("Something is wrong with this sign-in link", alert(message));
    }

    private static String link(Map<String, String> params, String screen) {
        StringBuilder url = new StringBuilder("/oauth2/authorize?screen=").append(screen);
        for (String field : OAUTH_FIELDS) {
            if (params.get(field) != null) {
                url.append('&').append(field).append('=').append(LocalCognito.enc(params.get(field)));
            }
        }
        return escape(url.toString());
    }

    private static String hidden(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        for (String field : OAUTH_FIELDS) {
            if (params.get(field) != null) {
                out.append("<input type=\"hidden\" name=\"").append(field).append("\" value=\"").append(escape(params.get(field))).append("\">");
            }
        }
        return out.toString();
    }

    private static String alert(String message) {
        return "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>";
    }

    private static String page(String title, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
                <title>%s - Image2Model</title>
                <style>
                  body{font-family:system-ui,sans-serif;background:#f4f6f9;color:#1d2330;margin:0}
                  main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.75rem;box-shadow:0 1px 4px #0002}
                  label{display:block;margin-top:1rem;font-weight:600} input{width:100%%;box-sizing:border-box;padding:.6rem;margin-top:.3rem;border:1px solid #b8c0cc;border-radius:.4rem}
                  button{margin-top:1.5rem;width:100%%;padding:.7rem;border:0;border-radius:.4rem;background:#2456d6;color:#fff;font-weight:600;cursor:pointer}
                  .error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:.4rem} .hint{color:#5b6575;font-weight:400;font-size:.9em}
                  button.secondary{background:#fff;color:#2456d6;border:1px solid #2456d6}
                </style></head>
                <body><main><h1>%s</h1>%s<p class="hint">Image2Model devstack sign-in (stands in for Cognito managed login).</p></main></body></html>
                """.formatted(escape(title), escape(title), body);
    }

    static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
