package io.chard.history;

/**
 * JSON text as jsonb takes it. jsonb refuses the escaped NUL character and an escaped surrogate that is not half of a
 * pair (what a serializer writes for a string cut in the middle of a character); everything else it stores.
 */
public final class JsonbText {
    private JsonbText() {
    }

    /**
     * {@code json} with each escape jsonb refuses made the replacement character; the same instance when there is
     * none. The recorder writes what it is given this way (PostgreSQL refused the whole change otherwise, and the
     * execution lost its row or its end); an API that stores what a caller sends refuses what this would change.
     */
    public static String clean(String json) {
        if (json == null || !json.contains("\\u")) {
            return json;
        }
        StringBuilder clean = null;
        int copied = 0;
        for (int i = json.indexOf('\\'); i >= 0 && i + 1 < json.length(); i = json.indexOf('\\', i)) {
            if (json.charAt(i + 1) != 'u') {
                i += 2; // an escaped backslash or another escape: the character after it is not an escape's start
                continue;
            }
            int unit = hex(json, i + 2);
            boolean refused;
            int length = 6;
            if (unit == 0) {
                refused = true;
            } else if (Character.isHighSurrogate((char) unit)) {
                int low = json.startsWith("\\u", i + 6) ? hex(json, i + 8) : -1;
                refused = low < 0 || !Character.isLowSurrogate((char) low);
                length = refused ? 6 : 12;
            } else {
                refused = Character.isLowSurrogate((char) unit);
            }
            if (refused) {
                if (clean == null) {
                    clean = new StringBuilder(json.length());
                }
                clean.append(json, copied, i).append("\\ufffd");
                copied = i + length;
            }
            i += length;
        }
        return clean == null ? json : clean.append(json, copied, json.length()).toString();
    }

    /** The four hex digits at {@code from} as a number; -1 when they are not four hex digits. */
    private static int hex(String text, int from) {
        if (from + 4 > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }
}
