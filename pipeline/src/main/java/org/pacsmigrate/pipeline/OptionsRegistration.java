package org.pacsmigrate.pipeline;

import java.beans.Introspector;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.ServiceLoader;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/**
 * Registers with Beam's {@link PipelineOptionsFactory} only the options interfaces a command line needs.
 *
 * <p>Left alone, the factory's first use registers every interface that a {@code PipelineOptionsRegistrar} on the
 * class path names (15 in the job's jar: Flink's, the portable runners', the SDK harness's...) and checks each
 * against all registered before it, building a proxy class over all of them each time: 0.5 to 1 s of CPU at every
 * start, on a run that then uses two or three of them. Registration only decides which {@code --name} the
 * parser accepts (and what {@code --help=Name} finds): {@code options.as(X.class)} works for any interface, and
 * the runners (Direct, Flink) ask for their own that way. So the factory is first touched with the registrars
 * hidden, and then every interface that declares an option the command line names is registered as Beam would
 * (all of them for {@code --help}). What is accepted and what it means is unchanged; a misspelt Beam option's
 * "did you mean" lists fewer names.
 *
 * <p>Only the job's own start does this ({@link Main}); tests, {@code verify} and a Flink cluster's task managers
 * register as Beam does.
 */
final class OptionsRegistration {
  private static final String REGISTRARS = "META-INF/services/" + PipelineOptionsRegistrar.class.getName();

  private OptionsRegistration() {}

  /**
   * Call before anything else uses {@link PipelineOptionsFactory}; later (the factory already initialised in this
   * JVM) it only registers what {@code args} name, which Beam has done already.
   */
  static void forArgs(String[] args, Class<? extends PipelineOptions> jobOptions) {
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    ClassLoader loader = original != null ? original : OptionsRegistration.class.getClassLoader();
    thread.setContextClassLoader(new WithoutOptionsRegistrars(loader));
    try {
      // The factory finds the registrars through the context class loader, once, in its static initialiser.
      PipelineOptionsFactory.getRegisteredOptions();
    } finally {
      thread.setContextClassLoader(original);
    }
    PipelineOptionsFactory.register(jobOptions);
    Set<String> named = optionNames(args);
    boolean all = named.contains("help");
    Set<String> known = properties(jobOptions);
    for (PipelineOptionsRegistrar registrar : ServiceLoader.load(PipelineOptionsRegistrar.class, loader)) {
      for (Class<? extends PipelineOptions> options : registrar.getPipelineOptions()) {
        Set<String> declared = properties(options);
        declared.removeAll(known);
        if (all || !Collections.disjoint(declared, named)) {
          PipelineOptionsFactory.register(options);
          known.addAll(declared);
        }
      }
    }
  }

  /** {@code --name=value} and {@code --name} give {@code name}; anything else is left to Beam's parser. */
  static Set<String> optionNames(String[] args) {
    Set<String> names = new HashSet<>();
    for (String arg : args) {
      if (arg != null && arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        names.add(eq < 0 ? arg.substring(2) : arg.substring(2, eq));
      }
    }
    return names;
  }

  /** The options an interface has, its inherited ones included, named as Beam's parser names them. */
  static Set<String> properties(Class<?> options) {
    Set<String> names = new HashSet<>();
    for (Method m : options.getMethods()) {
      String name = m.getName();
      if (name.startsWith("get") && name.length() > 3 && m.getParameterCount() == 0) {
        names.add(Introspector.decapitalize(name.substring(3)));
      } else if (name.startsWith("is") && name.length() > 2 && m.getParameterCount() == 0) {
        names.add(Introspector.decapitalize(name.substring(2)));
      }
    }
    return names;
  }

  /** Its parent's classes and resources, except that no PipelineOptionsRegistrar is declared. */
  private static final class WithoutOptionsRegistrars extends ClassLoader {
    WithoutOptionsRegistrars(ClassLoader parent) {
      super(parent);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      return REGISTRARS.equals(name) ? Collections.emptyEnumeration() : super.getResources(name);
    }

    @Override
    public URL getResource(String name) {
      return REGISTRARS.equals(name) ? null : super.getResource(name);
    }
  }
}
