import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * Starts rapaio-jupyter-kernel as its own main class does, less a start-up race. The kernel's
 * {@code Channels.connect} binds the sockets and starts their threads before it creates its table of
 * message handlers, so a request that arrives in between (Jupyter sends kernel_info_request at once) hits
 * a null table, the shell thread dies and the kernel never answers. Giving the table an empty value first
 * turns that into an unhandled message, which the client sends again. Also keeps java.util.logging at INFO
 * (the kernel's own configuration sets FINEST, which breaks Spark's code generation).
 * Run as a single-file program by launch: java -cp rapaio-jupyter-kernel.jar KernelMain.java connection.json
 */
public final class KernelMain {

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
      throw new IllegalArgumentException("usage: KernelMain <connection file>");
    }
    LogManager.getLogManager().readConfiguration(MainApp.class.getClassLoader().getResourceAsStream("logging.properties"));
    Logger.getLogger("").setLevel(Level.INFO);
    ConnectionProperties connection = Transform.fromJson(Files.readString(Path.of(args[0])), ConnectionProperties.class);
    Channels channels = new Channels(connection);
    Field handlers = Channels.class.getDeclaredField("handlers");
    handlers.setAccessible(true);
    handlers.set(channels, new HashMap<>());
    channels.connect(MainApp.kernel);
    channels.joinUntilClose();
  }
}
