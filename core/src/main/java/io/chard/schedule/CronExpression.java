package io.chard.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;

// A parsed five-field cron expression with Vixie cron's semantics, and the search for its next due instants
// in a time zone under the daylight-saving policy described in docs/architecture.md ("Beat"). Parsed by hand
// into bit masks: cron-utils offers no Vixie DST policy, and the whole grammar is a few dozen lines. Longer
// than our other files on purpose: one value type whose parsing and DST search share the masks and whose
// length is mostly the comments that argue each rule; split, one algorithm would be spread over files.
final class CronExpression {

    private static final int MINUTE = 0, HOUR = 1, DAY_OF_MONTH = 2, MONTH = 3, DAY_OF_WEEK = 4;
    private static final int[] MIN = {0, 0, 1, 1, 0};
    private static final int[] MAX = {59, 23, 31, 12, 7};
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    // A valid expression fires within 8 years (29 February across 2100, which is no leap year); the
    // margin only bounds the loop.
    private static final int SEARCH_YEARS = 30;

    private final int[] minutes;
    private final int[] hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    // Vixie's DOM_STAR / DOW_STAR: a day field whose text starts with '*' does not take part in the
    // "either day field matches" rule.
    private final boolean dayOfMonthStar;
    private final boolean dayOfWeekStar;
    // Vixie's MIN_STAR / HR_STAR: such jobs follow real instants through DST changes; the others
    // ("fixed" times) are caught up after a skipped hour and not repeated in a doubled one.
    private final boolean wildcardTime;

    private CronExpression(long[] bits, String[] texts) {
        this.minutes = setBits(bits[MINUTE]);
        this.hours = setBits(bits[HOUR]);
        this.daysOfMonth = bits[DAY_OF_MONTH];
        this.months = bits[MONTH];
        this.daysOfWeek = bits[DAY_OF_WEEK];
        this.dayOfMonthStar = texts[DAY_OF_MONTH].startsWith("*");
        this.dayOfWeekStar = texts[DAY_OF_WEEK].startsWith("*");
        this.wildcardTime = texts[MINUTE].startsWith("*") || texts[HOUR].startsWith("*");
    }

    static CronExpression parse(String expression) {
        String trimmed = expression.strip();
        if (trimmed.startsWith("@")) {
            String fields = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
            if (fields == null) {
                throw new InvalidCronException(expression, 0, expression.indexOf('@') + 1, "unknown macro "
                        + trimmed + "; known: @yearly @annually @monthly @weekly @daily @midnight @hourly");
            }
            return parseFields(fields);
        }
        return parseFields(expression);
    }

    private static CronExpression parseFields(String expression) {
        List<String> texts = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < expression.length(); ) {
            if (Character.isWhitespace(expression.charAt(i))) {
                i++;
                continue;
            }
            int end = i;
            while (end < expression.length() && !Character.isWhitespace(expression.charAt(end))) {
                end++;
            }
            texts.add(expression.substring(i, end));
            offsets.add(i + 1);
            i = end;
        }
        if (texts.size() != 5) {
            throw new InvalidCronException(expression, 0, 1, "expected 5 fields (minute hour day-of-month month "
                    + "day-of-week) but found " + texts.size());
        }
        long[] bits = new long[5];
        for (int field = 0; field < 5; field++) {
            bits[field] = parseField(expression, field, texts.get(field), offsets.get(field));
        }
        CronExpression cron = new CronExpression(bits, texts.toArray(String[]::new));
        if ((cron.dayOfMonthStar || cron.dayOfWeekStar) && !cron.someMonthHasADay()) {
            throw new InvalidCronException(expression, DAY_OF_MONTH + 1, offsets.get(DAY_OF_MONTH),
                    "day " + texts.get(DAY_OF_MONTH) + " never occurs in month " + texts.get(MONTH)
                            + ", so the expression can never fire");
        }
        return cron;
    }

    // Over the 28-year calendar cycle every date (29 February included) falls on every weekday, so
    // under the "both day fields" rule the expression fires if and only if some allowed month has an
    // allowed day. Under the "either" rule the weekday alone always fires.
    private boolean someMonthHasADay() {
        for (int month = 1; month <= 12; month++) {
            if ((months >>> month & 1) != 0) {
                for (int day = 1; day <= Month.of(month).maxLength(); day++) {
                    if ((daysOfMonth >>> day & 1) != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static long parseField(String expression, int field, String text, int offset) {
        long bits = 0;
        int position = offset;
        for (String element : text.split(",", -1)) {
            if (element.isEmpty()) {
                throw new InvalidCronException(expression, field + 1, position,
                        "empty list element (two commas in a row, or one at an end)");
            }
            bits |= parseElement(expression, field, element, position);
            position += element.length() + 1;
        }
        if ((bits >>> 7 & 1) != 0 && field == DAY_OF_WEEK) {
            bits = bits & ~(1L << 7) | 1L; // Sunday is both 0 and 7
        }
        return bits;
    }

    private static long parseElement(String expression, int field, String element, int offset) {
        int slash = element.indexOf('/');
        String range = slash < 0 ? element : element.substring(0, slash);
        int step = 1;
        if (slash >= 0) {
            String stepText = element.substring(slash + 1);
            int stepOffset = offset + slash + 1;
            if (stepText.isEmpty() || !isDigits(stepText)) {
                throw new InvalidCronException(expression, field + 1, stepOffset,
                        "step '" + stepText + "' is not a positive number");
            }
            step = stepText.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(stepText);
            if (step == 0) {
                throw new InvalidCronException(expression, field + 1, stepOffset, "step 0 must be at least 1");
            }
        }
        int low;
        int high;
        if (range.equals("*")) {
            low = MIN[field];
            high = MAX[field];
        } else {
            int dash = range.indexOf('-');
            if (dash < 0) {
                low = value(expression, field, range, offset);
                high = low;
                if (slash >= 0) {
                    throw new InvalidCronException(expression, field + 1, offset,
                            "a step needs a range or *: write " + range + "-" + MAX[field] + element.substring(slash));
                }
            } else {
                low = value(expression, field, range.substring(0, dash), offset);
                high = value(expression, field, range.substring(dash + 1), offset + dash + 1);
                if (low > high) {
                    return wrapped(field, low, high, step);
                }
            }
        }
        long bits = 0;
        for (long value = low; value <= high; value += step) {
            bits |= 1L << value;
        }
        return bits;
    }

    /**
     * A range that wraps around the field's end, as Celery's crontab reads it: {@code 22-2} hours is 22, 23, 0,
     * 1, 2 and {@code FRI-SUN} is Friday, Saturday, Sunday; a step walks that sequence ({@code 50-10/5} minutes is
     * 50, 55, 0, 5, 10). Users bring crontabs written for Celery, so compatibility wins over refusing them.
     */
    private static long wrapped(int field, int low, int high, int step) {
        int last = field == DAY_OF_WEEK ? 6 : MAX[field];
        int length = last - low + 1 + high - MIN[field] + 1;
        long bits = 0;
        for (long index = 0; index < length; index += step) {
            long value = index <= last - low ? low + index : MIN[field] + index - (last - low + 1);
            bits |= 1L << value;
        }
        return bits;
    }

    private static int value(String expression, int field, String text, int offset) {
        if (text.isEmpty()) {
            throw new InvalidCronException(expression, field + 1, offset, "a number is missing");
        }
        int value;
        if (isDigits(text)) {
            value = text.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(text);
        } else if (field == MONTH && MONTHS.contains(text.toUpperCase(Locale.ROOT))) {
            value = MONTHS.indexOf(text.toUpperCase(Locale.ROOT)) + 1;
        } else if (field == DAY_OF_WEEK && DAYS.contains(text.toUpperCase(Locale.ROOT))) {
            value = DAYS.indexOf(text.toUpperCase(Locale.ROOT));
        } else {
            String expected = switch (field) {
                case MONTH -> "a month (1-12 or JAN-DEC)";
                case DAY_OF_WEEK -> "a weekday (0-7 or SUN-SAT)";
                default -> "a number";
            };
            throw new InvalidCronException(expression, field + 1, offset, "'" + text + "' is not " + expected);
        }
        if (value < MIN[field] || value > MAX[field]) {
            throw new InvalidCronException(expression, field + 1, offset,
                    text + " is outside " + MIN[field] + "-" + MAX[field]);
        }
        return value;
    }

    private static boolean isDigits(String text) {
        return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static int[] setBits(long bits) {
        return IntStream.range(0, 64).filter(i -> (bits >>> i & 1) != 0).toArray();
    }

    // The first `count` due instants strictly after `after` and before `end` (null: no end), in order.
    List<Instant> next(ZoneId zone, Instant after, Instant end, int count) {
        if (count == 0) {
            return List.of();
        }
        ZoneRules rules = zone.getRules();
        // Kept to the `count` earliest found so far: wall-time order is not instant order inside a
        // repeated hour, so candidates are collected until no later wall time can beat the last one.
        TreeSet<Instant> found = new TreeSet<>();
        LocalDateTime from = earliestWallTimeAfter(after, rules);
        LocalDate lastDate = from.toLocalDate().plusYears(SEARCH_YEARS);
        for (LocalDate date = from.toLocalDate(); !date.isAfter(lastDate); date = date.plusDays(1)) {
            if ((months >>> date.getMonthValue() & 1) == 0) {
                date = date.withDayOfMonth(1).plusMonths(1).minusDays(1);
                continue;
            }
            if (!matchesDay(date)) {
                continue;
            }
            for (int hour : hours) {
                for (int minute : minutes) {
                    LocalDateTime wall = date.atTime(hour, minute);
                    if (wall.isBefore(from)) {
                        continue;
                    }
                    // earliest(wall) never decreases as wall time advances (it is the first instant whose
                    // wall time reaches `wall`), and every instant of `wall` is at or after it.
                    Instant earliest = earliest(wall, rules);
                    if (found.size() == count && earliest.isAfter(found.last())
                            || end != null && !earliest.isBefore(end)) {
                        return List.copyOf(found);
                    }
                    for (Instant instant : instants(wall, rules)) {
                        if (instant.isAfter(after) && (end == null || instant.isBefore(end))) {
                            found.add(instant);
                            if (found.size() > count) {
                                found.pollLast();
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    private boolean matchesDay(LocalDate date) {
        boolean dayOfMonth = (daysOfMonth >>> date.getDayOfMonth() & 1) != 0;
        boolean dayOfWeek = (daysOfWeek >>> (date.getDayOfWeek().getValue() % 7) & 1) != 0;
        return dayOfMonthStar || dayOfWeekStar ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
    }

    // The instants at which a matching wall time fires: one normally; in a repeated (autumn) hour both
    // for wildcard times and the first for fixed ones; in a skipped (spring) hour none for wildcard
    // times and the end of the gap for fixed ones.
    private List<Instant> instants(LocalDateTime wall, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(wall);
        return switch (offsets.size()) {
            case 1 -> List.of(wall.toInstant(offsets.getFirst()));
            case 0 -> wildcardTime ? List.of() : List.of(rules.getTransition(wall).getInstant());
            default -> {
                Instant first = wall.toInstant(offsets.get(0));
                Instant second = wall.toInstant(offsets.get(1));
                Instant earlier = first.isBefore(second) ? first : second;
                Instant later = first.isBefore(second) ? second : first;
                yield wildcardTime ? List.of(earlier, later) : List.of(earlier);
            }
        };
    }

    private static Instant earliest(LocalDateTime wall, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(wall);
        if (offsets.isEmpty()) {
            return rules.getTransition(wall).getInstant();
        }
        Instant earliest = wall.toInstant(offsets.getFirst());
        for (ZoneOffset offset : offsets) {
            Instant instant = wall.toInstant(offset);
            earliest = instant.isBefore(earliest) ? instant : earliest;
        }
        return earliest;
    }

    // An instant after `after` can show an earlier wall time than `after` does when a clock is set
    // back. Starting at the lowest wall time shown within the next two days covers it: clocks are
    // never set back by more than a day, nor changed twice within two days.
    private static LocalDateTime earliestWallTimeAfter(Instant after, ZoneRules rules) {
        LocalDateTime from = LocalDateTime.ofInstant(after, rules.getOffset(after));
        Instant horizon = after.plusSeconds(2 * 86_400);
        for (ZoneOffsetTransition t = rules.nextTransition(after);
                t != null && t.getInstant().isBefore(horizon); t = rules.nextTransition(t.getInstant())) {
            if (t.getDateTimeAfter().isBefore(from)) {
                from = t.getDateTimeAfter();
            }
        }
        return from;
    }
}
