package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.context.support.GenericApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.template.CfnYaml;
import com.image2model.devstack.template.SamTemplate;
import com.image2model.wiring.FunctionsApplication;
import com.image2model.platform.Settings;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

class TemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::Region", "AWS::Partition",
            "AWS::StackName", "AWS::StackId", "AWS::URLSuffix", "AWS::NoValue", "AWS::NotificationARNs");

    private static JsonSchema samSchema;
    private static Map<String, Object> template;

    @BeforeAll
    static void load() throws Exception {
        // The official SAM schema, kept in the tests' resources (see schemas/NOTICE.md for its origin and licence).
        try (java.io.InputStream schema = TemplateTest.class.getResourceAsStream("/schemas/sam.schema.json")) {
            assertThat(schema).as("schemas/sam.schema.json in the tests' resources").isNotNull();
            samSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(JSON.readTree(schema));
        }
        template = CfnYaml.read(TestStack.root().resolve("template.yaml"));
    }

    @Test
    void templateIsValidAgainstTheOfficialSamSchema() {
        Set<ValidationMessage> problems = samSchema.validate(JSON.valueToTree(template));
        assertThat(problems).isEmpty();
    }

    @Test
    void theSchemaCheckCatchesAMistakeInAFunction() {
        String broken = """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handlr: x.Y::handleRequest
                      MemorySize: lots
                """;
        JsonNode node = JSON.valueToTree(CfnYaml.read(new StringReader(broken)));
        assertThat(samSchema.validate(node)).isNotEmpty();
    }

    @Test
    void intrinsicTagsAreReadAsCloudFormationFunctions() {
        Map<String, Object> parsed = CfnYaml.read(new StringReader("""
                A: !Ref Table
                B: !GetAtt JobsQueue.Arn
                C: !Sub "${AppName}-x"
                D: !If [IsProd, 1, 2]
                """));
        assertThat(parsed.get("A")).isEqualTo(Map.of("Ref", "Table"));
        assertThat(parsed.get("B")).isEqualTo(Map.of("Fn::GetAtt", List.of("JobsQueue", "Arn")));
        assertThat(parsed.get("C")).isEqualTo(Map.of("Fn::Sub", "${AppName}-x"));
        assertThat(parsed.get("D")).isEqualTo(Map.of("Fn::If", List.of("IsProd", 1, 2)));
    }

    @Test
    void everyReferenceNamesADeclaredResourceOrParameter() {
        Set<String> declared = new HashSet<>(PSEUDO_PARAMETERS);
        declared.addAll(((Map<String, ?>) template.get("Resources")).keySet());
        declared.addAll(((Map<String, ?>) template.getOrDefault("Parameters", Map.of())).keySet());
        Set<String> conditions = ((Map<String, ?>) template.getOrDefault("Conditions", Map.of())).keySet();
        List<String> dangling = new ArrayList<>();
        List<String> references = new ArrayList<>();
        collectReferences(template, references, dangling, declared, conditions);
        assertThat(references).as("the walk found the template's references").hasSizeGreaterThan(20);
        assertThat(dangling).isEmpty();
    }

    @Test
    void theReferenceCheckCatchesATypo() {
        List<String> dangling = new ArrayList<>();
        collectReferences(Map.of("X", Map.of("Fn::Sub", "${Tabel.Arn}/index/*")), new ArrayList<>(), dangling,
                Set.of("Table"), Set.of());
        assertThat(dangling).containsExactly("Tabel");
    }

    @Test
    void everyFunctionDefinitionResolvesToExactlyOneFunctionBean() throws Exception {
        List<SamTemplate.FunctionDef> functions = SamTemplate.load(TestStack.root().resolve("template.yaml")).functions();
        assertThat(functions).isNotEmpty();
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            new FunctionsApplication().initialize(context);
            context.refresh();
            List<String> beans = List.of(context.getBeanNamesForType(FunctionRegistration.class));
            for (SamTemplate.FunctionDef function : functions) {
                assertThat(FunctionsApplication.functions()).as(function.logicalId() + " -> " + function.name()).containsKey(function.name());
                Class<?> plain = FunctionsApplication.PLAIN_HANDLERS.get(function.name());
                if (plain != null) {
                    // A plain handler: the template names that very class, and Spring has no bean of it.
                    assertThat(function.handler()).as(function.logicalId()).isEqualTo(plain.getName() + "::handleRequest");
                    assertThat(function.definition()).as(function.logicalId() + " has no Spring definition").isNull();
                    assertThat(beans).doesNotContain(function.name());
                    continue;
                }
                assertThat(function.definition()).as(function.logicalId() + " has a definition").isNotBlank();
                assertThat(beans.stream().filter(function.definition()::equals).count())
                        .as(function.logicalId() + " -> " + function.definition()).isEqualTo(1);
                assertThat(function.handler()).isEqualTo(SamTemplate.SPRING_INVOKER + "::handleRequest");
            }
        }
    }

    /**
     * Every setting a function reads is set for that very function in template.yaml (its own
     * Environment or Globals), so that a variable forgotten in one function's section cannot hide
     * behind the devstack's merged environment. What a function reads is recorded while it is
     * built here, and must be among the settings its spec declares (which are checked at init).
     */
    @Test
    @SuppressWarnings("unchecked")
    void everySettingAFunctionReadsIsSetForItInTheTemplate() {
        TestStack.get();
        SamTemplate template = TestStack.get().template();
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                template.document().get("Globals")).get("Function")).get("Environment")).get("Variables");
        List<String> missing = new ArrayList<>();
        for (SamTemplate.FunctionDef function : template.functions()) {
            FunctionsApplication.FunctionSpec spec = FunctionsApplication.functions().get(function.name());
            Set<String> read = Settings.recordReads(() -> spec.factory().get());
            for (String name : read) {
                if (!name.equals(Settings.AWS_REGION) && !name.startsWith("AWS_ENDPOINT_URL") && !Settings.OPTIONAL.contains(name)) {
                    assertThat(spec.settings()).as(function.logicalId() + " reads " + name + ": its spec must declare it").contains(name);
                }
            }
            for (String name : spec.settings()) {
                // AWS_REGION is set by Lambda itself; optional settings are absent by design.
                if (name.equals(Settings.AWS_REGION) || Settings.OPTIONAL.contains(name)) {
                    continue;
                }
                if (!function.environment().containsKey(name) && !globals.containsKey(name)) {
                    missing.add(function.logicalId() + " reads " + name);
                }
            }
        }
        assertThat(missing).as("settings read but not set for the function in template.yaml").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static void collectReferences(Object node, List<String> references, List<String> dangling, Set<String> declared,
                                          Set<String> conditions) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                List<String> names = new ArrayList<>();
                if ("Ref".equals(key)) {
                    // SAM's FunctionName.Alias / .Version refer to the function's generated alias or version.
                    names.add(String.valueOf(value).replaceAll("\\.(Alias|Version)$", ""));
                } else if ("Fn::GetAtt".equals(key)) {
                    names.add(String.valueOf(((List<Object>) value).get(0)));
                } else if ("Fn::Sub".equals(key)) {
                    String text = value instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(value);
                    Set<String> local = value instanceof List<?> l ? ((Map<String, ?>) l.get(1)).keySet() : Set.of();
                    Matcher m = Pattern.compile("\\$\\{([^}!][^}]*)}").matcher(text);
                    while (m.find()) {
                        String name = m.group(1);
                        if (!local.contains(name)) {
                            names.add(name.startsWith("AWS::") ? name : name.split("\\.")[0]);
                        }
                    }
                } else if ("Fn::If".equals(key) && !conditions.contains(String.valueOf(((List<Object>) value).get(0)))) {
                    dangling.add("condition " + ((List<Object>) value).get(0));
                }
                for (String name : names) {
                    references.add(name);
                    if (!declared.contains(name)) {
                        dangling.add(name);
                    }
                }
                collectReferences(value, references, dangling, declared, conditions);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, references, dangling, declared, conditions));
        }
    }
}
