package com.image2model.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.TestStack;

/**
 * The web app stays readable as it grows: ES modules per page and concern (no build step), none
 * over 260 lines, no line over 120 characters (tools/.prettierrc.json formats them), and every
 * module one imports exists and exports what is imported from it.
 */
class WebAppModulesTest {

    private static final Pattern IMPORT = Pattern.compile("import \\{([^}]*)\\} from '\\./([^']+)';");

    @Test
    void everyModuleIsShortWithShortLinesAndItsImportsResolve() throws Exception {
        Path site = TestStack.root().resolve("static-site");
        List<Path> modules = new ArrayList<>(List.of(site.resolve("app.js")));
        try (Stream<Path> js = Files.list(site.resolve("js"))) {
            js.filter(p -> p.toString().endsWith(".js")).sorted().forEach(modules::add);
        }
        assertThat(modules).hasSizeGreaterThan(10);
        List<String> problems = new ArrayList<>();
        for (Path module : modules) {
            List<String> lines = Files.readAllLines(module);
            String name = site.relativize(module).toString();
            if (lines.size() > 260) {
                problems.add(name + " has " + lines.size() + " lines (at most 260: split it by concern)");
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).length() > 120) {
                    problems.add(name + ":" + (i + 1) + " is " + lines.get(i).length() + " characters long");
                }
            }
            Matcher imports = IMPORT.matcher(Files.readString(module));
            while (imports.find()) {
                Path target = module.getParent().resolve(imports.group(2)).normalize();
                if (!Files.isRegularFile(target)) {
                    problems.add(name + " imports " + imports.group(2) + ", which does not exist");
                    continue;
                }
                String exported = Files.readString(target);
                for (String imported : imports.group(1).split(",")) {
                    String symbol = imported.trim().split("\\s+as\\s+")[0];
                    if (!symbol.isEmpty() && !Pattern.compile("export (async function|function|const|class) " + Pattern.quote(symbol) + "\\b")
                            .matcher(exported).find()) {
                        problems.add(name + " imports " + symbol + " from " + imports.group(2) + ", which does not export it");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
