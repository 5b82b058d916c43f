using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using SeqPack;
using SeqPack.IO;

namespace SeqPack.Tests.IO;

/// <summary>
/// Corrupt, truncated and hostile safetensors files: every one ends in an <see cref="InvalidDataException"/>
/// with a message naming the problem — never an out-of-range read, another exception type or a huge allocation.
/// </summary>
public class SafeTensorsMalformedTests
{
    private static byte[] File(string header, int dataBytes, ulong? claimedSize = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedSize ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    private static InvalidDataException Fails(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream(bytes)));

    private static readonly byte[] Valid = SafeTensors.Serialize(
        new Dictionary<string, Tensor> { ["w"] = Tensor.Randn([2, 3], 1), ["b"] = Tensor.Randn([3], 2), ["z"] = Tensor.Zeros(0) },
        new Dictionary<string, IntegerTensor> { ["step"] = IntegerTensor.Scalar(3) },
        new Dictionary<string, string> { ["k"] = "v" });

    [Fact] public void Valid_Reads() => Assert.Equal(3, SafeTensors.Read(new MemoryStream(Valid)).Tensors.Count);

    [Fact] public void ShorterThanSizeField() => Assert.Contains("fewer than the 8-byte", Fails([1, 2, 3]).Message);

    [Fact]
    public void HeaderLengthBeyondFile() =>
        Assert.Contains("truncated", Fails(File("{}", 0, claimedSize: 1000)).Message);

    [Fact]
    public void GiganticHeaderClaim_IsRefusedBeforeAllocating()
    {
        Assert.Contains("limit", Fails(File("{}", 0, claimedSize: ulong.MaxValue)).Message);
        Assert.Contains("limit", Fails(File("{}", 0, claimedSize: 1UL << 40)).Message);
    }

    [Fact] public void InvalidJson() => Assert.Contains("JSON", Fails(File("{\"a\":", 0)).Message);
    [Fact] public void NotStartingWithBrace() => Assert.Contains("'{'", Fails(File("[1]     ", 0)).Message);
    [Fact] public void LoneSurrogateName() => Assert.Contains("JSON", Fails(File("{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4)).Message);

    [Fact]
    public void UnknownDtype() =>
        Assert.Contains("'Q8'", Fails(File("{\"a\":{\"dtype\":\"Q8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)).Message);

    [Fact]
    public void ShapeNotMatchingByteRange() =>
        Assert.Contains("needs 12 bytes", Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)).Message);

    [Fact]
    public void NegativeDimension() =>
        Assert.Contains("non-negative", Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)).Message);

    [Fact]
    public void HugeShape_IsRefusedBeforeAllocating() =>
        Assert.Contains("more elements", Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000,100000],\"data_offsets\":[0,4]}}", 4)).Message);

    [Fact]
    public void OverlappingOffsets() =>
        Assert.Contains("overlaps", Fails(File(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)).Message);

    [Fact]
    public void GapBetweenTensors() =>
        Assert.Contains("gap", Fails(File(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12)).Message);

    [Fact]
    public void OffsetsPastTheEnd() =>
        Assert.Contains("past the end", Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8)).Message);

    [Fact]
    public void TrailingBytesNotCovered() =>
        Assert.Contains("cover 4 bytes", Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9)).Message);

    [Fact]
    public void ReversedOrOversizedOffsets()
    {
        Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8));
        Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}", 4));
        Fails(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4));
    }

    [Fact]
    public void DuplicateKey() =>
        Assert.Contains("twice", Fails(File(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).Message);

    [Fact]
    public void MetadataMustBeStrings() =>
        Assert.Contains("__metadata__", Fails(File("{\"__metadata__\":{\"k\":1}}", 0)).Message);

    [Fact]
    public void DeeplyNestedJson() => Fails(File("{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}", 0));

    [Fact]
    public void TruncatedFile_EveryLength()
    {
        for (int n = 0; n < Valid.Length; n++)
            Fails(Valid.AsSpan(0, n).ToArray());
    }

    /// <summary>Reading must end in success or an InvalidDataException; anything else fails the property.</summary>
    private static bool ReadsOrRejectsCleanly(byte[] bytes)
    {
        try { SafeTensors.Read(new MemoryStream(bytes)); return true; }
        catch (InvalidDataException) { return true; }
    }

    [Property(MaxTest = 300)]
    public bool RandomByteMutations_NeverThrowAnythingElse(int[] positions, byte[] values)
    {
        var bytes = (byte[])Valid.Clone();
        int n = Math.Min(positions?.Length ?? 0, values?.Length ?? 0);
        for (int i = 0; i < n; i++) bytes[(int)((uint)positions![i] % (uint)bytes.Length)] = values![i];
        return ReadsOrRejectsCleanly(bytes);
    }

    [Property(MaxTest = 200)]
    public bool HeaderCharacterMutations_NeverThrowAnythingElse(int position, char replacement, bool truncate, int cut)
    {
        // Mutate inside the JSON text, where structural damage (quotes, digits, brackets) is most likely.
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(Valid);
        var bytes = (byte[])Valid.Clone();
        const string structural = "{}[]\",:-0123456789eE.\\u ";
        bytes[8 + (int)((uint)position % (uint)headerLength)] = (byte)structural[replacement % structural.Length];
        if (truncate) bytes = bytes.AsSpan(0, (int)((uint)cut % (uint)bytes.Length)).ToArray();
        return ReadsOrRejectsCleanly(bytes);
    }

    [Property(MaxTest = 200)]
    public bool ArbitraryBytesAfterAValidSizeField_NeverThrowAnythingElse(byte[] tail, ulong claimed)
    {
        tail ??= [];
        var bytes = new byte[8 + tail.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, tail.Length == 0 ? claimed : claimed % (ulong)(tail.Length + 8));
        tail.CopyTo(bytes, 8);
        return ReadsOrRejectsCleanly(bytes);
    }
}
