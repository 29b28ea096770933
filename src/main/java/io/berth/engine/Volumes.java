package io.berth.engine;

import io.berth.convert.Binds;
import io.berth.convert.InvalidRequestException;
import io.berth.convert.VolumeNames;
import io.berth.store.ContainerRecord;
import io.berth.store.Store;
import io.berth.store.VolumeRecord;
import io.berth.volumes.Volume;
import io.berth.volumes.VolumeStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The engine's volumes, named and anonymous. A named volume exists while the store has its
 * record (made before its folder, removed after it, so no folder outlives a failed create); an
 * anonymous one is a folder its container's record names. The containers' records say which
 * volumes are in use.
 */
final class Volumes {
    /** dockerd 23+ labels the volumes it makes for a container's path with this. */
    static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

    private final Store store;
    private final VolumeStore files;
    private final Supplier<List<ContainerRecord>> containers;

    Volumes(Store store, VolumeStore files, Supplier<List<ContainerRecord>> containers) {
        this.store = store;
        this.files = files;
        this.containers = containers;
    }

    /** docker volume create: a named volume, or the one of that name that is there already. */
    Volume create(String name, String driver, Map<String, String> labels,
            Map<String, String> options) {
        String given = name == null || name.isEmpty() ? Names.newId() : VolumeNames.check(name);
        if (driver != null && !driver.isEmpty() && !driver.equals("local")) {
            throw new NotFoundException("create " + given + ": error looking up volume plugin "
                    + driver + ": plugin \"" + driver + "\" not found");
        }
        if (options != null && !options.isEmpty()) {
            // Not yet: the local driver's type/device/o options (a tmpfs or a bind mounted at
            // the volume's folder); they need a mount made and released with the volume.
            throw new InvalidRequestException("create " + given + ": driver options are not"
                    + " supported yet (" + String.join(", ", new TreeSet<>(options.keySet()))
                    + "): Berth's local driver makes plain folders");
        }
        Optional<Volume> existing = find(given);
        if (existing.isPresent()) {
            return existing.get();
        }
        make(new VolumeRecord(given, Instant.now(), labels, Map.of()));
        return get(given);
    }

    /**
     * Makes the named volumes a new container mounts that are not there yet, as docker makes
     * them on first use, and adds each to made as it is made: if the create fails, the caller
     * gives made to {@link #removeMade}.
     */
    void makeMissing(List<String> names, List<String> made) {
        for (String name : names) {
            if (find(name).isEmpty() && make(new VolumeRecord(name, Instant.now(), null,
                    null))) {
                made.add(name);
            }
        }
    }

    /**
     * Undoes {@link #makeMissing}, once the failed container's record is gone: a volume another
     * container took meanwhile (it found the volume made) stays.
     */
    void removeMade(List<String> made) {
        made.stream().filter(name -> users(name).isEmpty()).forEach(this::delete);
    }

    /** Records the volume and makes its folder, or neither; false when it was recorded. */
    private boolean make(VolumeRecord record) {
        if (!store.insertVolume(record)) {
            return false;
        }
        try {
            files.create(record.name());
            return true;
        } catch (RuntimeException e) {
            files.remove(record.name());
            store.deleteVolume(record.name());
            throw e;
        }
    }

    Optional<Volume> find(String name) {
        Optional<VolumeRecord> record = store.findVolume(name);
        if (record.isPresent()) {
            return Optional.of(named(record.get()));
        }
        return VolumeStore.isAnonymous(name) && files.find(name).isPresent()
                ? Optional.of(anonymous(name)) : Optional.empty();
    }

    Volume get(String name) {
        return find(name).orElseThrow(() -> noSuch(name));
    }

    /** Every volume, by name. */
    List<Volume> list() {
        List<Volume> out = new ArrayList<>();
        Set<String> recorded = new HashSet<>();
        for (VolumeRecord r : store.volumes()) {
            out.add(named(r));
            recorded.add(r.name());
        }
        files.list().stream().filter(n -> !recorded.contains(n))
                .forEach(n -> out.add(anonymous(n)));
        out.sort(Comparator.comparing(Volume::name));
        return out;
    }

    /** The volumes that pass the filter, which is told whether a container has each. */
    List<Volume> list(VolumeFilter filter) {
        Set<String> used = used();
        return list().stream().filter(v -> filter.matches(v, !used.contains(v.name()))).toList();
    }

    private Volume named(VolumeRecord r) {
        return new Volume(r.name(), files.data(r.name()), r.created(), r.labels(), r.options());
    }

    private Volume anonymous(String name) {
        return new Volume(name, files.data(name), files.created(name),
                Map.of(ANONYMOUS_LABEL, ""), Map.of());
    }

    /** The ids of the containers, in any state, that mount the volume. */
    List<String> users(String name) {
        List<String> users = new ArrayList<>();
        for (ContainerRecord c : containers.get()) {
            if (mountedBy(c).contains(name)) {
                users.add(c.id());
            }
        }
        return users;
    }

    /** The volumes some container mounts. */
    Set<String> used() {
        Set<String> used = new HashSet<>();
        containers.get().forEach(c -> used.addAll(mountedBy(c)));
        return used;
    }

    private static List<String> mountedBy(ContainerRecord c) {
        List<String> names = new ArrayList<>(anonymousOf(c));
        names.addAll(Binds.namedVolumes(c.request()));
        return names;
    }

    /** The names of a container's anonymous volumes. */
    static List<String> anonymousOf(ContainerRecord c) {
        return Binds.volumes(c.request()).stream()
                .map(v -> VolumeStore.anonymousName(c.id(), v)).toList();
    }

    /**
     * docker volume rm: refused while any container, even a stopped one, has the volume; a
     * volume that is not there is an error unless force, as dockerd's purge-on-error.
     */
    void remove(String name, boolean force) {
        Optional<Volume> volume = find(name);
        if (volume.isEmpty()) {
            if (force) {
                return;
            }
            throw noSuch(name);
        }
        List<String> users = users(name);
        if (!users.isEmpty()) {
            throw new ConflictException("remove " + name + ": volume is in use - "
                    + users.stream().collect(Collectors.joining(", ", "[", "]")));
        }
        delete(name);
    }

    /** The folder first, then the record: a removal cut short leaves the volume listed. */
    private void delete(String name) {
        files.remove(name);
        store.deleteVolume(name);
    }

    /** Removes a container's anonymous volumes (rm -v, --rm, a create that failed). */
    void removeAnonymous(ContainerRecord c) {
        anonymousOf(c).forEach(files::remove);
    }

    /** What prune removed: the volumes and the bytes they held. */
    record Pruned(List<String> removed, long reclaimed) {
    }

    /**
     * docker volume prune (23 and later): the volumes no container has that the filter keeps,
     * unless all only those with the anonymous label, as dockerd picks them (a volume created
     * with that label is pruned as anonymous there too).
     */
    Pruned prune(boolean all, VolumeFilter filter) {
        Set<String> used = used();
        List<String> removed = new ArrayList<>();
        long reclaimed = 0;
        for (Volume v : list()) {
            boolean pickable = all || v.labels().containsKey(ANONYMOUS_LABEL);
            if (pickable && !used.contains(v.name()) && filter.matches(v, true)) {
                reclaimed += files.size(v.name());
                delete(v.name());
                removed.add(v.name());
            }
        }
        return new Pruned(removed, reclaimed);
    }

    static NotFoundException noSuch(String name) {
        return new NotFoundException("get " + name + ": no such volume");
    }
}
