namespace SeqPack;

/// <summary>
/// The seeded random generator behind every random tensor and every dropout mask in SeqPack.
/// </summary>
/// <remarks>
/// xoshiro256** (Blackman and Vigna, 2018, https://prng.di.unimi.it/xoshiro256starstar.c) seeded through
/// SplitMix64, so a seed gives the same bit stream on every platform and .NET version. Floats take the top
/// 24 bits of a draw (<c>(x &gt;&gt; 40) * 2^-24</c>), uniform in [0, 1). Normal draws use the Box–Muller
/// transform in double precision on two uniform draws and keep the cosine branch only, so one normal always
/// consumes exactly two 64-bit draws. The state can be saved and restored (<see cref="GetState"/>,
/// <see cref="SetState"/>), which is what lets an interrupted training run resume exactly.
/// </remarks>
public sealed class Rng
{
    private ulong s0, s1, s2, s3;

    /// <summary>Creates a generator whose stream is fixed by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix64(ref x);
        s1 = SplitMix64(ref x);
        s2 = SplitMix64(ref x);
        s3 = SplitMix64(ref x);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1), with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A double uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A float uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public float NextUniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>A standard normal draw (Box–Muller, cosine branch, double precision).</summary>
    public float NextNormal()
    {
        double u1 = 1.0 - NextDouble();            // (0, 1]: the logarithm stays finite
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>An integer uniform in [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
            throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "exclusiveMax must be positive.");
        uint range = (uint)exclusiveMax;
        ulong m = (NextUInt64() >> 32) * range;
        if ((uint)m < range)
        {
            uint threshold = (uint)(-range) % range;   // 2^32 mod range
            while ((uint)m < threshold)
                m = (NextUInt64() >> 32) * range;
        }
        return (int)(m >> 32);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The four state words, for checkpoints.</summary>
    public ulong[] GetState() => [s0, s1, s2, s3];

    /// <summary>Restores a state saved by <see cref="GetState"/>.</summary>
    public void SetState(IReadOnlyList<ulong> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != 4)
            throw new ArgumentException($"An Rng state has 4 words; got {state.Count}.", nameof(state));
        if ((state[0] | state[1] | state[2] | state[3]) == 0)
            throw new ArgumentException("An all-zero state is not a valid xoshiro256** state.", nameof(state));
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);
    }
}
