package io.berth.spec;

import io.berth.spec.JsonTree.Fields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * config.json to {@link Spec}, field by field from a {@link JsonTree}: what Jackson's data
 * binding did for the spec's records (absent is null, unknown fields are ignored), without its
 * cost of building a deserializer per record type by reflection on every cold start. A new
 * field of {@link Spec} needs its line here too; {@code SpecReaderTest} checks every record's
 * fields against what data binding reads from the same document.
 */
final class SpecReader {
    private SpecReader() {
    }

    static Spec spec(Fields f) {
        return new Spec(f.string("ociVersion"), nullable(f.object("process"), SpecReader::process),
                nullable(f.object("root"), r -> new Spec.Root(r.string("path"),
                        r.bool("readonly"))),
                f.string("hostname"), f.string("domainname"),
                list(f.objects("mounts"), SpecReader::mount),
                nullable(f.object("hooks"), SpecReader::hooks), f.stringMap("annotations"),
                nullable(f.object("linux"), SpecReader::linux));
    }

    static Spec.Process process(Fields p) {
        return new Spec.Process(p.bool("terminal"),
                nullable(p.object("consoleSize"), c -> new Spec.ConsoleSize(c.intOrZero("height"),
                        c.intOrZero("width"))),
                nullable(p.object("user"), u -> new Spec.User(u.longOrZero("uid"),
                        u.longOrZero("gid"), u.intValue("umask"), u.longs("additionalGids"))),
                p.strings("args"), p.strings("env"), p.string("cwd"),
                nullable(p.object("capabilities"), SpecReader::capabilities),
                list(p.objects("rlimits"), r -> new Spec.Rlimit(r.string("type"),
                        r.longOrZero("hard"), r.longOrZero("soft"))),
                p.bool("noNewPrivileges"), p.intValue("oomScoreAdj"));
    }

    private static Spec.Capabilities capabilities(Fields c) {
        return new Spec.Capabilities(c.strings("bounding"), c.strings("effective"),
                c.strings("inheritable"), c.strings("permitted"), c.strings("ambient"));
    }

    private static Spec.Mount mount(Fields m) {
        return new Spec.Mount(m.string("destination"), m.string("type"), m.string("source"),
                m.strings("options"));
    }

    private static Spec.Hooks hooks(Fields h) {
        return new Spec.Hooks(hookList(h, "prestart"), hookList(h, "createRuntime"),
                hookList(h, "createContainer"), hookList(h, "startContainer"),
                hookList(h, "poststart"), hookList(h, "poststop"));
    }

    private static List<Spec.Hook> hookList(Fields h, String key) {
        return list(h.objects(key), k -> new Spec.Hook(k.string("path"), k.strings("args"),
                k.strings("env"), k.intValue("timeout")));
    }

    private static Spec.Linux linux(Fields l) {
        return new Spec.Linux(
                list(l.objects("namespaces"), n -> new Spec.Namespace(n.string("type"),
                        n.string("path"))),
                list(l.objects("uidMappings"), SpecReader::idMapping),
                list(l.objects("gidMappings"), SpecReader::idMapping),
                map(l.objectMap("timeOffsets"), t -> new Spec.TimeOffset(t.longOrZero("secs"),
                        t.longOrZero("nanosecs"))),
                list(l.objects("devices"), SpecReader::device), l.string("cgroupsPath"),
                nullable(l.object("resources"), SpecReader::resources),
                l.string("rootfsPropagation"), l.stringMap("sysctl"),
                nullable(l.object("seccomp"), SpecReader::seccomp), l.strings("maskedPaths"),
                l.strings("readonlyPaths"), l.string("mountLabel"));
    }

    private static Spec.IdMapping idMapping(Fields m) {
        return new Spec.IdMapping(m.longOrZero("containerID"), m.longOrZero("hostID"),
                m.longOrZero("size"));
    }

    private static Spec.Device device(Fields d) {
        return new Spec.Device(d.string("type"), d.string("path"), d.longOrZero("major"),
                d.longOrZero("minor"), d.intValue("fileMode"), d.longValue("uid"),
                d.longValue("gid"));
    }

    private static Spec.Resources resources(Fields r) {
        return new Spec.Resources(
                list(r.objects("devices"), d -> new Spec.DeviceRule(d.bool("allow", false),
                        d.string("type"), d.longValue("major"), d.longValue("minor"),
                        d.string("access"))),
                nullable(r.object("memory"), m -> new Spec.Memory(m.longValue("limit"),
                        m.longValue("reservation"), m.longValue("swap"),
                        m.longValue("swappiness"), m.bool("disableOOMKiller"))),
                nullable(r.object("cpu"), c -> new Spec.Cpu(c.longValue("shares"),
                        c.longValue("quota"), c.longValue("period"), c.string("cpus"),
                        c.string("mems"))),
                nullable(r.object("pids"), p -> new Spec.Pids(p.longOrZero("limit"))),
                nullable(r.object("blockIO"), b -> new Spec.BlockIO(b.intValue("weight"))),
                r.stringMap("unified"));
    }

    private static Spec.Seccomp seccomp(Fields s) {
        return new Spec.Seccomp(s.string("defaultAction"), s.intValue("defaultErrnoRet"),
                s.strings("architectures"), s.strings("flags"),
                list(s.objects("syscalls"), c -> new Spec.Syscall(c.strings("names"),
                        c.string("action"), c.intValue("errnoRet"),
                        list(c.objects("args"), a -> new Spec.SeccompArg(a.intOrZero("index"),
                                a.longOrZero("value"), a.longValue("valueTwo"),
                                a.string("op"))))));
    }

    private static <T> T nullable(Fields f, Function<Fields, T> read) {
        return f == null ? null : read.apply(f);
    }

    private static <T> List<T> list(List<Fields> items, Function<Fields, T> read) {
        if (items == null) {
            return null;
        }
        List<T> out = new ArrayList<>(items.size());
        for (Fields item : items) {
            out.add(item == null ? null : read.apply(item));
        }
        return out;
    }

    private static <T> Map<String, T> map(Map<String, Fields> items, Function<Fields, T> read) {
        if (items == null) {
            return null;
        }
        Map<String, T> out = new LinkedHashMap<>();
        items.forEach((k, v) -> out.put(k, v == null ? null : read.apply(v)));
        return out;
    }
}
