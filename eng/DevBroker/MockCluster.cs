using System.Runtime.InteropServices;

namespace DevBroker;

/// <summary>
/// librdkafka's in-process mock Kafka cluster (rdkafka_mock.h), reached by P/Invoke into the
/// native library that the Confluent.Kafka package ships. One broker, id 1.
/// </summary>
public sealed partial class MockCluster : IDisposable
{
    private const string Lib = "librdkafka";
    public const int BrokerId = 1;

    private readonly IntPtr _rk;
    private IntPtr _mcluster;

    static MockCluster()
    {
        // The package's plain librdkafka.so needs libsasl2.so.3, which Debian lacks;
        // the centos8 build is self-contained. Point our P/Invokes at it explicitly.
        NativeLibrary.SetDllImportResolver(typeof(MockCluster).Assembly, (name, _, _) =>
            name == Lib ? NativeLibrary.Load(NativeLibraryPath()) : IntPtr.Zero);
    }

    public MockCluster()
    {
        var errstr = new byte[512];
        var conf = Native.rd_kafka_conf_new();
        // Only warnings and errors from the bookkeeping handle; it never talks to a broker itself.
        if (Native.rd_kafka_conf_set(conf, "log_level", "4", errstr, (nuint)errstr.Length) != 0 /* RD_KAFKA_CONF_OK */)
        {
            Native.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_conf_set failed: {ErrString(errstr)}");
        }

        // The mock needs an rd_kafka_t for its internal bookkeeping; a producer is the cheapest.
        // On success rd_kafka_new takes ownership of conf.
        _rk = Native.rd_kafka_new(0 /* RD_KAFKA_PRODUCER */, conf, errstr, (nuint)errstr.Length);
        if (_rk == IntPtr.Zero)
        {
            Native.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {ErrString(errstr)}");
        }

        _mcluster = Native.rd_kafka_mock_cluster_new(_rk, 1);
        if (_mcluster == IntPtr.Zero)
        {
            Native.rd_kafka_destroy(_rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        // The pointer is owned by the cluster: copy, never free.
        Bootstraps = Marshal.PtrToStringUTF8(Native.rd_kafka_mock_cluster_bootstraps(_mcluster))!;

        // A real broker's default 3 s delay before the first group join completes only slows tests.
        Native.rd_kafka_mock_group_initial_rebalance_delay_ms(_mcluster, 0);
    }

    /// <summary>The mock's own listener(s), "host:ephemeralPort".</summary>
    public string Bootstraps { get; }

    public static string NativeLibraryPath()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("DevBroker uses the linux-x64 librdkafka build only.");
        }

        return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "centos8-librdkafka.so");
    }

    public static string Version => Marshal.PtrToStringUTF8(Native.rd_kafka_version_str())!;

    public void CreateTopic(string topic, int partitions)
    {
        var err = Native.rd_kafka_mock_topic_create(_mcluster, topic, partitions, 1);
        if (err != 0 && err != ErrTopicAlreadyExists)
        {
            throw new InvalidOperationException($"rd_kafka_mock_topic_create({topic}) failed: {ErrName(err)}");
        }
    }

    /// <summary>Changes only what Metadata responses advertise; the mock keeps listening where it was.</summary>
    public void SetAdvertisedHostPort(string host, int port) =>
        Native.rd_kafka_mock_broker_set_host_port(_mcluster, BrokerId, host, port);

    /// <summary>Closes the broker's connections and refuses new ones (same port kept for <see cref="SetUp"/>).</summary>
    public void SetDown() => Check(Native.rd_kafka_mock_broker_set_down(_mcluster, BrokerId), "set_down");

    public void SetUp() => Check(Native.rd_kafka_mock_broker_set_up(_mcluster, BrokerId), "set_up");

    public void Dispose()
    {
        if (_mcluster == IntPtr.Zero)
        {
            return;
        }

        Native.rd_kafka_mock_cluster_destroy(_mcluster);
        _mcluster = IntPtr.Zero;
        Native.rd_kafka_destroy(_rk);
    }

    private const int ErrTopicAlreadyExists = 36; // RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS

    private static void Check(int err, string what)
    {
        if (err != 0)
        {
            throw new InvalidOperationException($"rd_kafka_mock_broker_{what} failed: {ErrName(err)}");
        }
    }

    private static string ErrName(int err) => $"{Marshal.PtrToStringUTF8(Native.rd_kafka_err2name(err))} ({err})";

    private static string ErrString(byte[] errstr)
    {
        var len = Array.IndexOf(errstr, (byte)0);
        return System.Text.Encoding.UTF8.GetString(errstr, 0, len < 0 ? errstr.Length : len);
    }

    // Signatures from rdkafka.h / rdkafka_mock.h (librdkafka 2.x). Enums are C ints; size_t is nuint.
    private static partial class Native
    {
        [LibraryImport(Lib)]
        public static partial IntPtr rd_kafka_conf_new();

        [LibraryImport(Lib)]
        public static partial void rd_kafka_conf_destroy(IntPtr conf);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);

        [LibraryImport(Lib)]
        public static partial IntPtr rd_kafka_new(int type, IntPtr conf, [Out] byte[] errstr, nuint errstrSize);

        [LibraryImport(Lib)]
        public static partial void rd_kafka_destroy(IntPtr rk);

        [LibraryImport(Lib)]
        public static partial IntPtr rd_kafka_version_str();

        [LibraryImport(Lib)]
        public static partial IntPtr rd_kafka_err2name(int err);

        [LibraryImport(Lib)]
        public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCnt);

        [LibraryImport(Lib)]
        public static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

        [LibraryImport(Lib)]
        public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCnt, int replicationFactor);

        [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
        public static partial void rd_kafka_mock_broker_set_host_port(IntPtr mcluster, int brokerId, string host, int port);

        [LibraryImport(Lib)]
        public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);

        [LibraryImport(Lib)]
        public static partial int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

        [LibraryImport(Lib)]
        public static partial int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);
    }
}
