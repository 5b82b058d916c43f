using System.Diagnostics;
using System.Text.Json;
using SeqPack;
using SeqPack.IO;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.IO;

/// <summary>Skips a test, saying why, when the system Python that runs the fixture scripts is absent.</summary>
public sealed class RequiresSystemPythonFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    public RequiresSystemPythonFactAttribute()
    {
        if (!File.Exists(Python))
            Skip = $"{Python} is not installed, so the Python reader (Fixtures/safetensors_py.py) cannot check our file; the byte-exact test still runs.";
    }
}

/// <summary>
/// Interchange with the plain-Python safetensors writer/reader (Fixtures/safetensors_py.py), byte-exact
/// layout, round trips and atomic writes.
/// </summary>
public class SafeTensorsTests
{
    private static readonly JsonElement Expected = FixtureFile.Load("toolkit_safetensors.json");

    private static SafeTensorsContent ExpectedContent()
    {
        var c = new SafeTensorsContent();
        foreach (var p in Expected.GetProperty("float").EnumerateObject()) c.Tensors[p.Name] = p.Value.Tensor();
        foreach (var p in Expected.GetProperty("int").EnumerateObject())
            c.Integers[p.Name] = new IntegerTensor(p.Value.GetProperty("data").EnumerateArray().Select(v => v.GetInt64()).ToArray(), p.Value.Ints("shape"));
        foreach (var p in Expected.GetProperty("metadata").EnumerateObject()) c.Metadata[p.Name] = p.Value.GetString()!;
        return c;
    }

    private static void AssertSameContent(SafeTensorsContent expected, SafeTensorsContent actual)
    {
        Assert.Equal(expected.Metadata.OrderBy(kv => kv.Key), actual.Metadata.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Tensors.Keys.Order(), actual.Tensors.Keys.Order());
        foreach (var (name, t) in expected.Tensors)
        {
            Assert.Equal(t.Shape, actual.Tensors[name].Shape);
            Assert.Equal(t.ToArray(), actual.Tensors[name].ToArray());
        }
        Assert.Equal(expected.Integers.Keys.Order(), actual.Integers.Keys.Order());
        foreach (var (name, it) in expected.Integers)
        {
            Assert.Equal(it.Shape, actual.Integers[name].Shape);
            Assert.Equal(it.Values, actual.Integers[name].Values);
        }
    }

    [Fact]
    public void Read_FileWrittenByPythonFromTheFormatDefinition_GivesEveryValue()
    {
        var content = SafeTensors.Read(FixtureFile.PathOf("toolkit_reference.safetensors"));
        AssertSameContent(ExpectedContent(), content);
        Assert.Equal(new[] { 8, 3 }, content.Tensors["rnn.weight_ih_l0"].Shape);
        Assert.Equal(Array.Empty<int>(), content.Tensors["scalar"].Shape);
        Assert.Equal(long.MinValue, content.Integers["rng.state"].Values[0]);
    }

    [Fact]
    public void Serialize_IsByteIdenticalToThePythonWriter()
    {
        // Python-independent: the committed file was written by safetensors_py.py, which follows the
        // reference writer's layout (dtype-then-name order, compact JSON, space padding to 8 bytes).
        var expected = File.ReadAllBytes(FixtureFile.PathOf("toolkit_reference.safetensors"));
        var c = ExpectedContent();
        var actual = SafeTensors.Serialize(c.Tensors, c.Integers, c.Metadata);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected, actual);
        Assert.Equal(0UL, BitConverter.ToUInt64(actual, 0) % 8);
    }

    [RequiresSystemPythonFact]
    public void Save_IsReadBackByThePythonReader()
    {
        var dir = Directory.CreateTempSubdirectory("seqpack-st-");
        try
        {
            var path = Path.Combine(dir.FullName, "model.safetensors");
            var c = new SafeTensorsContent();
            c.Tensors["weight"] = Tensor.FromArray([1.5f, -2.25f, 3e-8f, float.MaxValue, -0f, 1f / 3f], 2, 3);
            c.Tensors["bias"] = Tensor.FromArray([0.125f], 1);
            c.Integers["step"] = IntegerTensor.Scalar(42);
            c.Metadata["format"] = "pt";
            SafeTensors.Save(path, c);
            var psi = new ProcessStartInfo(RequiresSystemPythonFactAttribute.Python)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            psi.ArgumentList.Add(FixtureFile.PathOf("safetensors_py.py"));
            psi.ArgumentList.Add("dump");
            psi.ArgumentList.Add(path);
            using var proc = Process.Start(psi)!;
            string stdout = proc.StandardOutput.ReadToEnd();
            string stderr = proc.StandardError.ReadToEnd();
            proc.WaitForExit();
            Assert.True(proc.ExitCode == 0, $"python reader failed: {stderr}");
            var root = JsonDocument.Parse(stdout).RootElement;
            Assert.Equal("pt", root.GetProperty("metadata").GetProperty("format").GetString());
            var w = root.GetProperty("tensors").GetProperty("weight");
            Assert.Equal("F32", w.GetProperty("dtype").GetString());
            Assert.Equal(new[] { 2, 3 }, w.Ints("shape"));
            Assert.Equal(c.Tensors["weight"].ToArray(), w.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray());
            var s = root.GetProperty("tensors").GetProperty("step");
            Assert.Equal("I64", s.GetProperty("dtype").GetString());
            Assert.Equal(42, s.GetProperty("data")[0].GetInt64());
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void SaveLoad_RoundTripsExactly_AndLeavesNoTemporaryFile()
    {
        var dir = Directory.CreateTempSubdirectory("seqpack-st-");
        try
        {
            var path = Path.Combine(dir.FullName, "ckpt.safetensors");
            var tensors = new Dictionary<string, Tensor>
            {
                ["b"] = Tensor.Randn([3, 4], 1), ["a.weight"] = Tensor.Randn([5], 2), ["s"] = Tensor.Scalar(float.NegativeInfinity), ["e"] = Tensor.Zeros(0, 2),
            };
            SafeTensors.Save(path, tensors);
            SafeTensors.Save(path, tensors);                      // overwriting an existing file
            var back = SafeTensors.Load(path);
            Assert.Equal(tensors.Keys.Order(), back.Keys.Order());
            foreach (var (k, t) in tensors)
            {
                Assert.Equal(t.Shape, back[k].Shape);
                Assert.Equal(t.ToArray(), back[k].ToArray());
            }
            Assert.Equal(new[] { "ckpt.safetensors" }, dir.GetFiles().Select(f => f.Name));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Load_ConvertsSmallIntegersButRefusesInexactOnes()
    {
        var dir = Directory.CreateTempSubdirectory("seqpack-st-");
        try
        {
            var path = Path.Combine(dir.FullName, "x.safetensors");
            SafeTensors.Save(path, new Dictionary<string, Tensor>(), null, new Dictionary<string, IntegerTensor> { ["step"] = IntegerTensor.Scalar(7) });
            Assert.Equal(7f, SafeTensors.Load(path)["step"].Item());
            SafeTensors.Save(path, new Dictionary<string, Tensor>(), null, new Dictionary<string, IntegerTensor> { ["big"] = IntegerTensor.Scalar((1L << 24) + 1) });
            Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
            Assert.Equal((1L << 24) + 1, SafeTensors.Read(path).Integers["big"].Values[0]);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void ModuleStateDict_SurvivesACheckpoint()
    {
        var dir = Directory.CreateTempSubdirectory("seqpack-st-");
        try
        {
            var path = Path.Combine(dir.FullName, "lin.safetensors");
            var a = new SeqPack.Nn.Linear(3, 2, rng: new Rng(1));
            SafeTensors.Save(path, a.StateDict());
            var b = new SeqPack.Nn.Linear(3, 2, rng: new Rng(2));
            b.LoadStateDict(SafeTensors.Load(path));
            Assert.Equal(a.Weight.ToArray(), b.Weight.ToArray());
            Assert.Equal(a.Bias!.ToArray(), b.Bias!.ToArray());
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Serialize_RejectsReservedOrClashingNames()
    {
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Zeros(1) }));
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor> { ["x"] = Tensor.Zeros(1) },
            new Dictionary<string, IntegerTensor> { ["x"] = IntegerTensor.Scalar(1) }));
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor>(),
            new Dictionary<string, IntegerTensor> { ["x"] = new IntegerTensor([1, 2], [3]) }));
    }
}
