package io.berth.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.convert.ContainerRequest;
import io.berth.spec.SpecJson;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Berth's metadata in SQLite. Several CLIs and the service may use one database at once: WAL
 * mode and a busy timeout let them, and the UNIQUE constraint on names settles name races.
 */
public final class Store implements AutoCloseable {
    private static final ObjectMapper JSON = SpecJson.mapper();
    private static final String COLUMNS = "id, name, image_id, created, request, state, "
            + "userns_host_id, started_at, finished_at, exit_code, error, pid, restart_count, "
            + "manually_stopped";

    private static final long EXIT_KEPT_SECONDS = 600;

    private final Connection db;

    private Store(Connection db) {
        this.db = db;
    }

    /** Opens (and creates when new) the database file. */
    public static Store open(Path file) {
        try {
            // The driver itself, not DriverManager, whose first use scans every jar on the
            // class path for JDBC drivers: start-up time that each CLI call paid.
            Connection db = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file,
                    new Properties());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS containers ("
                        + "id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT, "
                        + "created INTEGER NOT NULL, request TEXT NOT NULL, state TEXT NOT NULL, "
                        + "userns_host_id INTEGER UNIQUE, started_at INTEGER, "
                        + "finished_at INTEGER, exit_code INTEGER, error TEXT, pid INTEGER, "
                        + "restart_count INTEGER NOT NULL DEFAULT 0, "
                        + "manually_stopped INTEGER NOT NULL DEFAULT 0)");
                addMissingColumns(s);
                s.execute("CREATE TABLE IF NOT EXISTS exits (id TEXT PRIMARY KEY, "
                        + "exit_code INTEGER NOT NULL, removed_at INTEGER NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS volumes (name TEXT PRIMARY KEY, "
                        + "created INTEGER NOT NULL, labels TEXT NOT NULL, "
                        + "options TEXT NOT NULL)");
            }
            return new Store(db);
        } catch (SQLException e) {
            throw new StoreException("open database " + file + ": " + e.getMessage(), e);
        }
    }

    /** Databases made before restart policies lack their columns: add them, keep the rows. */
    private static void addMissingColumns(Statement s) throws SQLException {
        boolean present = false;
        try (ResultSet r = s.executeQuery("PRAGMA table_info(containers)")) {
            while (r.next()) {
                present |= "restart_count".equals(r.getString("name"));
            }
        }
        if (!present) {
            s.execute("ALTER TABLE containers ADD COLUMN restart_count INTEGER NOT NULL "
                    + "DEFAULT 0");
            s.execute("ALTER TABLE containers ADD COLUMN manually_stopped INTEGER NOT NULL "
                    + "DEFAULT 0");
        }
    }

    /** Inserts a new container; a name or id already taken is a NameConflictException. */
    public void insert(ContainerRecord c) {
        String sql = "INSERT INTO containers (" + COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        try (PreparedStatement p = db.prepareStatement(sql)) {
            bind(p, c);
            p.executeUpdate();
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
                throw conflict(c, e);
            }
            throw new StoreException("insert container " + c.id() + ": " + e.getMessage(), e);
        }
    }

    private NameConflictException conflict(ContainerRecord c, SQLException e) {
        String message = e.getMessage();
        if (message.contains("containers.userns_host_id")) {
            return new NameConflictException("user namespace range " + c.usernsHostId()
                    + " is already taken");
        }
        String holder = findByName(c.name()).map(ContainerRecord::id).orElse("another container");
        return new NameConflictException("Conflict. The container name \"/" + c.name()
                + "\" is already in use by container \"" + holder
                + "\". You have to remove (or rename) that container to be able to reuse that "
                + "name.");
    }

    /** Rewrites a container's row (same id); false when the row is gone. */
    public boolean update(ContainerRecord c) {
        String sql = "UPDATE containers SET id=?, name=?, image_id=?, created=?, request=?, "
                + "state=?, userns_host_id=?, started_at=?, finished_at=?, exit_code=?, error=?, "
                + "pid=?, restart_count=?, manually_stopped=? WHERE id=?";
        try (PreparedStatement p = db.prepareStatement(sql)) {
            bind(p, c);
            p.setString(15, c.id());
            return p.executeUpdate() > 0;
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
                throw conflict(c, e);
            }
            throw new StoreException("update container " + c.id() + ": " + e.getMessage(), e);
        }
    }

    public void delete(String id) {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM containers WHERE id=?")) {
            p.setString(1, id);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("delete container " + id + ": " + e.getMessage(), e);
        }
    }

    public Optional<ContainerRecord> findById(String id) {
        return queryOne("SELECT " + COLUMNS + " FROM containers WHERE id=?", id);
    }

    public Optional<ContainerRecord> findByName(String name) {
        return queryOne("SELECT " + COLUMNS + " FROM containers WHERE name=?", name);
    }

    /** Containers whose id starts with a prefix (prefix is lower-case hex, checked by caller). */
    public List<ContainerRecord> findByIdPrefix(String prefix) {
        return query("SELECT " + COLUMNS + " FROM containers WHERE id >= ? AND id < ?",
                prefix, prefix + "g");
    }

    /** All containers, newest first, as docker's ps lists them. */
    public List<ContainerRecord> list() {
        return query("SELECT " + COLUMNS + " FROM containers ORDER BY created DESC");
    }

    /** The id of every container, and nothing else: cheap enough to ask before each start. */
    public java.util.Set<String> ids() {
        try (PreparedStatement s = db.prepareStatement("SELECT id FROM containers");
                ResultSet r = s.executeQuery()) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            while (r.next()) {
                ids.add(r.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new StoreException("list container ids: " + e.getMessage(), e);
        }
    }

    /** Host ids that begin user-namespace ranges already given to containers. */
    public List<Long> usernsHostIds() {
        List<Long> ids = new ArrayList<>();
        for (ContainerRecord c : query("SELECT " + COLUMNS
                + " FROM containers WHERE userns_host_id IS NOT NULL")) {
            ids.add(c.usernsHostId());
        }
        return ids;
    }

    /**
     * Keeps the exit code of a container that was removed as it exited (--rm), for a while, so
     * that a client waiting on it still learns the code; older entries are dropped.
     */
    public void recordRemovedExit(String id, int exitCode, Instant now) {
        try (PreparedStatement prune = db.prepareStatement(
                        "DELETE FROM exits WHERE removed_at < ?");
                PreparedStatement p = db.prepareStatement(
                        "INSERT OR REPLACE INTO exits (id, exit_code, removed_at) "
                                + "VALUES (?,?,?)")) {
            prune.setLong(1, nanos(now.minusSeconds(EXIT_KEPT_SECONDS)));
            prune.executeUpdate();
            p.setString(1, id);
            p.setInt(2, exitCode);
            p.setLong(3, nanos(now));
            p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("record exit of " + id + ": " + e.getMessage(), e);
        }
    }

    /** The exit code of a container removed as it exited, if it was recorded. */
    public Optional<Integer> removedExit(String id) {
        try (PreparedStatement p = db.prepareStatement("SELECT exit_code FROM exits WHERE id=?")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getInt(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("read exit of " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a named volume unless one of that name is there already: the primary key settles
     * two creates of one name at once. True when this call recorded it.
     */
    public boolean insertVolume(VolumeRecord v) {
        String sql = "INSERT OR IGNORE INTO volumes (name, created, labels, options) "
                + "VALUES (?,?,?,?)";
        try (PreparedStatement p = db.prepareStatement(sql)) {
            p.setString(1, v.name());
            p.setLong(2, nanos(v.created()));
            p.setString(3, JSON.writeValueAsString(v.labels()));
            p.setString(4, JSON.writeValueAsString(v.options()));
            return p.executeUpdate() > 0;
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("insert volume " + v.name() + ": " + e.getMessage(), e);
        }
    }

    public Optional<VolumeRecord> findVolume(String name) {
        List<VolumeRecord> rows = queryVolumes("SELECT name, created, labels, options "
                + "FROM volumes WHERE name=?", name);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Every named volume, by name. */
    public List<VolumeRecord> volumes() {
        return queryVolumes("SELECT name, created, labels, options FROM volumes ORDER BY name");
    }

    public void deleteVolume(String name) {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM volumes WHERE name=?")) {
            p.setString(1, name);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("delete volume " + name + ": " + e.getMessage(), e);
        }
    }

    private List<VolumeRecord> queryVolumes(String sql, String... args) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            List<VolumeRecord> rows = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    rows.add(new VolumeRecord(r.getString(1), instant(r.getLong(2)),
                            stringMap(r.getString(3)), stringMap(r.getString(4))));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("query volumes: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> stringMap(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new StoreException("decode volume record: " + e.getOriginalMessage(), e);
        }
    }

    private Optional<ContainerRecord> queryOne(String sql, String arg) {
        List<ContainerRecord> rows = query(sql, arg);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private List<ContainerRecord> query(String sql, String... args) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            List<ContainerRecord> rows = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    rows.add(read(r));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("query containers: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement p, ContainerRecord c) throws SQLException {
        p.setString(1, c.id());
        p.setString(2, c.name());
        p.setString(3, c.imageId());
        p.setLong(4, nanos(c.created()));
        p.setString(5, toJson(c.request()));
        p.setString(6, c.state());
        setLong(p, 7, c.usernsHostId());
        setLong(p, 8, c.startedAt() == null ? null : nanos(c.startedAt()));
        setLong(p, 9, c.finishedAt() == null ? null : nanos(c.finishedAt()));
        setLong(p, 10, c.exitCode() == null ? null : c.exitCode().longValue());
        p.setString(11, c.error());
        p.setLong(12, c.pid());
        p.setInt(13, c.restartCount());
        p.setInt(14, c.manuallyStopped() ? 1 : 0);
    }

    private static ContainerRecord read(ResultSet r) throws SQLException {
        return new ContainerRecord(r.getString(1), r.getString(2), r.getString(3),
                instant(r.getLong(4)), fromJson(r.getString(5)), r.getString(6),
                getLong(r, 7), optInstant(r, 8), optInstant(r, 9),
                getLong(r, 10) == null ? null : getLong(r, 10).intValue(), r.getString(11),
                r.getLong(12), r.getInt(13), r.getInt(14) != 0);
    }

    private static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
        if (v == null) {
            p.setNull(i, java.sql.Types.INTEGER);
        } else {
            p.setLong(i, v);
        }
    }

    private static Long getLong(ResultSet r, int i) throws SQLException {
        long v = r.getLong(i);
        return r.wasNull() ? null : v;
    }

    private static Instant optInstant(ResultSet r, int i) throws SQLException {
        Long v = getLong(r, i);
        return v == null ? null : instant(v);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L));
    }

    private static String toJson(ContainerRequest request) {
        try {
            return JSON.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new StoreException("encode request: " + e.getOriginalMessage(), e);
        }
    }

    private static ContainerRequest fromJson(String json) {
        try {
            return JSON.readValue(json, ContainerRequest.class);
        } catch (JsonProcessingException e) {
            throw new StoreException("decode request: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("close database: " + e.getMessage(), e);
        }
    }
}
