package dev.tracklight.pipeline.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A Kubernetes CustomResourceDefinition's schema, checking custom resources the way the API server
 * would: the version's {@code openAPIV3Schema} as JSON Schema (types, enums, required fields), plus
 * what JSON Schema alone does not catch, the fields the API server silently <em>prunes</em> (a
 * structural schema drops every field it does not declare, unless the node says
 * {@code x-kubernetes-preserve-unknown-fields}), so a misspelled key fails here instead of
 * vanishing in the cluster.
 */
final class CrdSchema {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KUBERNETES_EXTENSIONS = List.of("x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource", "x-kubernetes-list-type",
      "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations");

  private final String apiVersion;
  private final String kind;
  private final JsonNode openApi;
  private final Schema schema;

  private CrdSchema(String apiVersion, String kind, JsonNode openApi) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.openApi = openApi;
    // A CRD's schema is an OpenAPI 3.0 schema (nullable, ...) with Kubernetes' x-kubernetes-*
    // extensions, which only steer the API server (pruning is checked below, by hand).
    Dialect.Builder dialect = Dialect.builder(Dialects.getOpenApi30());
    KUBERNETES_EXTENSIONS.forEach(k -> dialect.keyword(new NonValidationKeyword(k)));
    this.schema = SchemaRegistry.withDefaultDialect(dialect.build()).getSchema(openApi.toString(), InputFormat.JSON);
  }

  /** The served version of the CRD in {@code file} (the first one with a schema). */
  static CrdSchema load(Path file) throws IOException {
    JsonNode crd = JSON.valueToTree(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
    if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
      throw new IllegalArgumentException(file + " is not a CustomResourceDefinition");
    }
    String group = crd.path("spec").path("group").asText();
    for (JsonNode version : crd.path("spec").path("versions")) {
      JsonNode openApi = version.path("schema").path("openAPIV3Schema");
      if (version.path("served").asBoolean(true) && openApi.isObject()) {
        return new CrdSchema(group + "/" + version.path("name").asText(),
            crd.path("spec").path("names").path("kind").asText(), openApi);
      }
    }
    throw new IllegalArgumentException(file + " has no version with an openAPIV3Schema");
  }

  String apiVersion() {
    return apiVersion;
  }

  String kind() {
    return kind;
  }

  /** Every document of a multi-document YAML file, as JSON trees. */
  static List<JsonNode> documents(Path yaml) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(yaml))) {
      if (doc != null) {
        out.add(JSON.valueToTree(doc));
      }
    }
    return out;
  }

  /**
   * What the API server would say about {@code resource}: schema violations and pruned fields, one
   * line each; empty when it would be stored as written.
   */
  List<String> problems(JsonNode resource) {
    List<String> problems = new ArrayList<>();
    if (!apiVersion.equals(resource.path("apiVersion").asText()) || !kind.equals(resource.path("kind").asText())) {
      problems.add("not a " + apiVersion + " " + kind + ": " + resource.path("apiVersion").asText() + " "
          + resource.path("kind").asText());
      return problems;
    }
    schema.validate(resource.toString(), InputFormat.JSON).forEach(e -> problems.add(e.toString()));
    // metadata is the API server's own ObjectMeta, not described by the CRD
    Iterator<Map.Entry<String, JsonNode>> fields = resource.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!f.getKey().equals("metadata")) {
        pruned(f.getValue(), openApi.path("properties").path(f.getKey()), "$." + f.getKey(), problems);
      }
    }
    return problems;
  }

  private static void pruned(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) || schema.isMissingNode()) {
      return;
    }
    if (value.isObject()) {
      JsonNode declared = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      Iterator<Map.Entry<String, JsonNode>> fields = value.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String child = path + "." + f.getKey();
        if (declared.has(f.getKey())) {
          pruned(f.getValue(), declared.get(f.getKey()), child, out);
        } else if (additional.isObject()) {
          pruned(f.getValue(), additional, child, out);
        } else if (!additional.asBoolean(false)) {
          out.add(child + ": unknown field, the API server would drop it");
        }
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        pruned(value.get(i), schema.path("items"), path + "[" + i + "]", out);
      }
    }
  }
}
