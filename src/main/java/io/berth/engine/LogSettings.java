package io.berth.engine;

import io.berth.convert.ContainerRequest;
import io.berth.convert.InvalidRequestException;
import io.berth.runtime.LogRotation;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's --log-driver and --log-opt, checked at create as docker checks them. Every
 * driver Berth offers writes the same CRI-format file through the monitor; they differ in
 * rotation only: json-file (the default) grows without limit unless max-size is given, local
 * rotates at 20 MB into 5 files unless told otherwise, none keeps no log at all.
 *
 * @param driver json-file, local or none
 * @param options the options as given, which inspect shows as HostConfig.LogConfig.Config
 * @param rotation when the monitor rotates the file; null for never
 */
public record LogSettings(String driver, Map<String, String> options, LogRotation rotation) {
    /** docker's default driver, shown by inspect when none was asked for. */
    public static final String DEFAULT_DRIVER = "json-file";
    private static final Set<String> DRIVERS = Set.of("json-file", "local", "none");
    private static final Set<String> ROTATION_OPTIONS = Set.of("max-size", "max-file",
            "compress");
    private static final long LOCAL_MAX_SIZE = 20L * 1024 * 1024;
    private static final int LOCAL_MAX_FILES = 5;
    /** docker's human sizes (go-units FromHumanSize): decimal units, an optional "i" or "b". */
    private static final Pattern SIZE = Pattern.compile(
            "^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    public LogSettings {
        options = Map.copyOf(options);
    }

    /** The request's log settings, or the one-line error docker gives for them. */
    public static LogSettings of(ContainerRequest request) {
        String driver = request.logDriver() == null || request.logDriver().isEmpty()
                ? DEFAULT_DRIVER : request.logDriver();
        Map<String, String> options = request.logOpts() == null ? Map.of() : request.logOpts();
        if (!DRIVERS.contains(driver)) {
            throw new InvalidRequestException("logger: no log driver named '" + driver
                    + "' is registered");
        }
        for (String key : new TreeMap<>(options).keySet()) {
            if (driver.equals("none") || !ROTATION_OPTIONS.contains(key)) {
                throw new InvalidRequestException("unknown log opt '" + key + "' for " + driver
                        + " log driver");
            }
        }
        if ("true".equals(options.get("compress"))) {
            // Not yet: gzip of rotated files; the readers would need to unpack them too.
            throw new InvalidRequestException("log opt compress=true is not supported by berth"
                    + " yet; rotated logs stay uncompressed (use compress=false)");
        }
        return new LogSettings(driver, options, rotation(driver, options));
    }

    private static LogRotation rotation(String driver, Map<String, String> options) {
        boolean local = driver.equals("local");
        long size = options.containsKey("max-size") ? size(options.get("max-size"))
                : local ? LOCAL_MAX_SIZE : -1;
        int files = options.containsKey("max-file") ? files(options.get("max-file"))
                : local ? LOCAL_MAX_FILES : 1;
        return size > 0 ? new LogRotation(size, files) : null;
    }

    /** docker's max-size: a positive size with k, m or g (decimal: 10k is 10000 bytes). */
    static long size(String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new InvalidRequestException("invalid size: '" + value + "'");
        }
        int power = m.group(2) == null ? 0 : "kmgtp".indexOf(Character.toLowerCase(
                m.group(2).charAt(0))) + 1;
        BigDecimal bytes;
        try {
            bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1000).pow(power));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("invalid size: '" + value + "'");
        }
        if (bytes.signum() <= 0 || bytes.longValue() <= 0) {
            throw new InvalidRequestException("max-size must be a positive number");
        }
        return bytes.longValue();
    }

    private static int files(String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("strconv.Atoi: parsing \"" + value
                    + "\": invalid syntax");
        }
        if (n < 1) {
            throw new InvalidRequestException("max-file cannot be less than 1");
        }
        return n;
    }

    /** Whether the container keeps a log that `logs` can read. */
    public boolean readable() {
        return !driver.equals("none");
    }

    /** HostConfig.LogConfig as docker's inspect shows it. */
    public Map<String, Object> inspect() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Type", driver);
        config.put("Config", new TreeMap<>(options));
        return config;
    }
}
