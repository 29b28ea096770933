package io.berth.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * {@code docker container inspect --format} on the inspect JSON recorded in
 * captures/10-inspect-format (with Env, Labels, Ports and Mounts filled in). Every expected
 * output was printed by the docker CLI 28.2.2 for the same template and the same JSON, served to
 * it by a stand-in daemon on a local socket.
 */
class DockerInspectFormatTest {
    private static final String INSPECT = """
            {
             "Id": "0811d2b9bc6e714a01b266d353e0834744d4b4737a7b30cc7592bfb418b0e41d",
             "Created": "2026-12-04T15:17:50.37806039Z",
             "Path": "sleep",
             "Args": [
              "300"
             ],
             "State": {
              "Status": "running",
              "Running": true,
              "Paused": false,
              "Restarting": false,
              "OOMKilled": false,
              "Dead": false,
              "Pid": 18104,
              "ExitCode": 0,
              "Error": "",
              "StartedAt": "2026-12-04T15:17:50.586303656Z",
              "FinishedAt": "0001-01-01T00:00:00Z"
             },
             "Name": "/web",
             "RestartCount": 0,
             "HostConfig": {
              "NetworkMode": "default"
             },
             "GraphDriver": {
              "Data": null,
              "Name": "overlay2"
             },
             "Mounts": [
              {
               "Type": "bind",
               "Source": "/srv/data",
               "Destination": "/data",
               "Mode": "",
               "RW": true,
               "Propagation": "rprivate"
              },
              {
               "Type": "volume",
               "Name": "cache",
               "Source": "/var/lib/docker/volumes/cache/_data",
               "Destination": "/cache",
               "Driver": "local",
               "Mode": "z",
               "RW": false,
               "Propagation": ""
              }
             ],
             "Config": {
              "Hostname": "0811d2b9bc6e",
              "Domainname": "",
              "User": "",
              "AttachStdin": false,
              "AttachStdout": false,
              "AttachStderr": false,
              "Tty": false,
              "OpenStdin": false,
              "StdinOnce": false,
              "Env": [
               "PATH=/usr/local/bin:/usr/bin",
               "GREETING=a<b & c>d"
              ],
              "Cmd": [
               "sleep",
               "300"
              ],
              "Image": "busybox",
              "Volumes": null,
              "WorkingDir": "",
              "Entrypoint": null,
              "OnBuild": null,
              "Labels": {
               "com.example.team": "web",
               "tier": "front"
              }
             },
             "NetworkSettings": {
              "Ports": {
               "80/tcp": [
                {
                 "HostIp": "127.0.0.1",
                 "HostPort": "8080"
                }
               ],
               "443/tcp": null
              },
              "Networks": {
               "bridge": {
                "IPAMConfig": null,
                "Links": null,
                "Aliases": null,
                "NetworkID": "00674a1ec63dc8c5a07ef5369f7724545a7869ec6e6d2919388b99921e4d124e",
                "EndpointID": "792f6677dd68babc69974d4b55dd5596bc2d906b398c56a8d1d5f2310397e451",
                "Gateway": "172.17.0.1",
                "IPAddress": "172.17.0.2",
                "IPPrefixLen": 16,
                "IPv6Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "MacAddress": "02:42:ac:11:00:02",
                "DriverOpts": null
               }
              }
             }
            }
            """;

    private static final JsonNode WEB = parse(INSPECT);

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String format(String template) {
        return Template.parse(template).execute(WEB);
    }

    @Test
    void pidAndNamePrintAsDockerPrintsThem() {
        assertEquals("18104, /web", format("{{.State.Pid}}, {{.Name}}"));
    }

    @Test
    void jsonOfAListIsCompactAndLeavesHtmlCharactersAlone() {
        assertEquals("[\"PATH=/usr/local/bin:/usr/bin\",\"GREETING=a<b & c>d\"]",
                format("{{json .Config.Env}}"));
    }

    @Test
    void aListPrintsInBracketsSeparatedBySpaces() {
        assertEquals("[PATH=/usr/local/bin:/usr/bin GREETING=a<b & c>d]",
                format("{{.Config.Env}}"));
    }

    @Test
    void rangeOverMountsVisitsEachInOrder() {
        assertEquals("bind /srv/data -> /data rw=true\n"
                        + "volume /var/lib/docker/volumes/cache/_data -> /cache rw=false\n",
                format("{{range .Mounts}}{{.Type}} {{.Source}} -> {{.Destination}} rw={{.RW}}"
                        + "{{\"\\n\"}}{{end}}"));
    }

    @Test
    void indexLooksUpAPortKeyAndPrintsTheBindingList() {
        assertEquals("[map[HostIp:127.0.0.1 HostPort:8080]]",
                format("{{index .NetworkSettings.Ports \"80/tcp\"}}"));
        assertEquals("8080",
                format("{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}"));
    }

    @Test
    void rangeOverAMapGoesInSortedKeyOrderWithKeyAndValue() {
        assertEquals("443/tcp -> none; 80/tcp -> 8080; ",
                format("{{range $p, $conf := .NetworkSettings.Ports}}{{$p}} -> {{if $conf}}"
                        + "{{(index $conf 0).HostPort}}{{else}}none{{end}}; {{end}}"));
    }

    @Test
    void printfQuotesTheName() {
        assertEquals("\"/web\"", format("{{printf \"%q\" .Name}}"));
    }

    @Test
    void lenJoinAndCaseFunctionsWorkOnInspectFields() {
        assertEquals("1 2", format("{{len .Args}} {{len .Config.Cmd}}"));
        assertEquals("300 sleep 300", format("{{join .Args \",\"}} {{join .Config.Cmd \" \"}}"));
        assertEquals("/WEB running Running",
                format("{{upper .Name}} {{lower .State.Status}} {{title .State.Status}}"));
    }

    @Test
    void labelsPrintAsASortedGoMapAndLookUpByKey() {
        assertEquals("map[com.example.team:web tier:front]", format("{{.Config.Labels}}"));
        assertEquals("web", format("{{index .Config.Labels \"com.example.team\"}}"));
        assertEquals("front", format("{{.Config.Labels.tier}}"));
        assertEquals("{\"com.example.team\":\"web\",\"tier\":\"front\"}",
                format("{{json .Config.Labels}}"));
    }

    @Test
    void booleansAndNumbersPrintPlainly() {
        assertEquals("true 0 0",
                format("{{.State.Running}} {{.State.ExitCode}} {{.RestartCount}}"));
        assertEquals("running as 18104",
                format("{{if .State.Running}}running as {{.State.Pid}}{{end}}"));
        assertEquals("true true true", format("{{eq .State.Status \"running\"}} "
                + "{{ne .State.Pid 0}} {{gt .State.Pid 100}}"));
    }

    @Test
    void networksAreReachedByNameOrByRange() {
        assertEquals("172.17.0.2", format("{{.NetworkSettings.Networks.bridge.IPAddress}}"));
        assertEquals("172.17.0.2 172.17.0.1",
                format("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.Gateway}}{{end}}"));
        assertEquals("bridge:16", format("{{range $name, $net := .NetworkSettings.Networks}}"
                + "{{$name}}:{{$net.IPPrefixLen}}{{end}}"));
    }

    @Test
    void jsonOfAnObjectKeepsTheFieldOrderOfTheInspectOutput() {
        assertEquals("{\"Status\":\"running\",\"Running\":true,\"Paused\":false,"
                + "\"Restarting\":false,\"OOMKilled\":false,\"Dead\":false,\"Pid\":18104,"
                + "\"ExitCode\":0,\"Error\":\"\",\"StartedAt\":\"2026-12-04T15:17:50.586303656Z\","
                + "\"FinishedAt\":\"0001-01-01T00:00:00Z\"}", format("{{json .State}}"));
        assertEquals("null", format("{{json .Config.Entrypoint}}"));
    }

    @Test
    void idsTruncateAndSliceToTwelveCharacters() {
        assertEquals("0811d2b9bc6e", format("{{truncate .Id 12}}"));
        assertEquals("0811d2b9bc6e", format("{{slice .Id 0 12}}"));
        assertEquals("[300]", format("{{slice .Config.Cmd 1}}"));
    }

    @Test
    void splitAndIndexTakeAnEnvironmentVariableApart() {
        assertEquals("[PATH /usr/local/bin:/usr/bin]",
                format("{{split (index .Config.Env 0) \"=\"}}"));
        assertEquals("/usr/local/bin:/usr/bin",
                format("{{index (split (index .Config.Env 0) \"=\") 1}}"));
        assertEquals("PATH=/usr/local/bin:/usr/bin,GREETING=a<b & c>d",
                format("{{range $i, $e := .Config.Env}}{{if $i}},{{end}}{{$e}}{{end}}"));
    }

    @Test
    void printfFormatsWidthsAndBases() {
        assertEquals("/we|   18104|18104   ||46b8", format("{{printf \"%.3s\" .Name}}|"
                + "{{printf \"%8d\" .State.Pid}}|{{printf \"%-8d|\" .State.Pid}}|"
                + "{{printf \"%x\" .State.Pid}}"));
    }

    @Test
    void withMovesDotIntoTheState() {
        assertEquals("running/18104", format("{{with .State}}{{.Status}}/{{.Pid}}{{end}}"));
    }

    @Test
    void aMissingFieldPrintsNoValue() {
        assertEquals("<no value>", format("{{.Config.Labels.nope}}"));
    }

    @Test
    void aMissingFieldFailsWithMissingKeyErrorAsDockersRawFallbackDoes() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> Template.parse("{{.State.NoSuch}}").missingKeyError().execute(WEB));
        assertEquals("template: :1:8: executing \"\" at <.State.NoSuch>: "
                + "map has no entry for key \"NoSuch\"", e.getMessage());
    }

    @Test
    void aFieldOfAStringFailsNamingTheInterfaceTypeAsDockerDoes() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> format("{{ .Config.Hostname.X }}"));
        assertEquals("template: :1:10: executing \"\" at <.Config.Hostname.X>: "
                + "can't evaluate field X in type interface {}", e.getMessage());
    }
}
