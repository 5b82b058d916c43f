using System.Numerics.Tensors;

namespace SeqPack;

// Elementwise arithmetic with broadcasting. Each operation sits next to its gradient rule; a gradient
// flowing into a broadcast operand is summed back to that operand's shape.
public sealed partial class Tensor
{
    /// <summary>Elementwise <c>a + b</c> with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        CheckOperands(a, b);
        var r = Broadcasting.Map(a, b, "Add", TensorPrimitives.Add, TensorPrimitives.Add, static (x, y) => x + y);
        return Autograd.Record(r, "Add", [a, b], g =>
            [Broadcasting.SumToShape(g, a.ShapeSpan), Broadcasting.SumToShape(g, b.ShapeSpan)]);
    }

    /// <summary>Elementwise <c>a - b</c> with broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        CheckOperands(a, b);
        var r = Broadcasting.Map(a, b, "Sub", TensorPrimitives.Subtract, TensorPrimitives.Subtract, static (x, y) => x - y);
        return Autograd.Record(r, "Sub", [a, b], g =>
            [Broadcasting.SumToShape(g, a.ShapeSpan), Broadcasting.SumToShape(Negate(g), b.ShapeSpan)]);
    }

    /// <summary>Elementwise <c>a * b</c> with broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        CheckOperands(a, b);
        var r = Broadcasting.Map(a, b, "Mul", TensorPrimitives.Multiply, TensorPrimitives.Multiply, static (x, y) => x * y);
        return Autograd.Record(r, "Mul", [a, b], g =>
            [a.RequiresGrad ? Broadcasting.SumToShape(Mul(g, b), a.ShapeSpan) : null,
             b.RequiresGrad ? Broadcasting.SumToShape(Mul(g, a), b.ShapeSpan) : null]);
    }

    /// <summary>Elementwise <c>a / b</c> with broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        CheckOperands(a, b);
        var r = Broadcasting.Map(a, b, "Div", TensorPrimitives.Divide, TensorPrimitives.Divide, static (x, y) => x / y);
        return Autograd.Record(r, "Div", [a, b], g =>
            [a.RequiresGrad ? Broadcasting.SumToShape(Div(g, b), a.ShapeSpan) : null,
             b.RequiresGrad ? Broadcasting.SumToShape(Negate(Div(Mul(g, r), b)), b.ShapeSpan) : null]);
    }

    /// <summary>Elementwise <c>x * scale + shift</c>.</summary>
    public Tensor Affine(float scale, float shift = 0f)
    {
        var r = new float[Size];
        TensorPrimitives.Multiply(Data, scale, r);
        if (shift != 0f) TensorPrimitives.Add(r, shift, r);
        return Autograd.Record(new Tensor(r, shape), "Affine", [this], g => [g.Affine(scale)]);
    }

    private static Tensor Negate(Tensor t)
    {
        var r = new float[t.Size];
        TensorPrimitives.Negate(t.Data, r);
        return new Tensor(r, t.shape);
    }

    // The scalar operators' one entry: a null operand is an argument error, not a NullReferenceException.
    private static Tensor Scale(Tensor a, float scale, float shift = 0f)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.Affine(scale, shift);
    }

    private static void CheckOperands(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
    }

    /// <summary>Elementwise <c>a + b</c> with broadcasting; the same as <see cref="Add"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together; the message names both.</exception>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    /// <summary>Elementwise <c>a - b</c> with broadcasting; the same as <see cref="Sub"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together; the message names both.</exception>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);
    /// <summary>Elementwise <c>a * b</c> with broadcasting (not a matrix product); the same as <see cref="Mul"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together; the message names both.</exception>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);
    /// <summary>Elementwise <c>a / b</c> with broadcasting (IEEE division: a zero divisor gives ±∞ or NaN); the same as <see cref="Div"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together; the message names both.</exception>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);
    /// <summary>Elementwise negation <c>-a</c>, a tensor of <paramref name="a"/>'s shape; the same as <c>a.Affine(-1)</c>.</summary>
    public static Tensor operator -(Tensor a) => Scale(a, -1f);
    /// <summary>Multiplies every element of <paramref name="a"/> by <paramref name="s"/>; the result has <paramref name="a"/>'s shape (<c>a.Affine(s)</c>).</summary>
    public static Tensor operator *(Tensor a, float s) => Scale(a, s);
    /// <summary>Multiplies every element of <paramref name="a"/> by <paramref name="s"/>; the result has <paramref name="a"/>'s shape (<c>a.Affine(s)</c>).</summary>
    public static Tensor operator *(float s, Tensor a) => Scale(a, s);
    /// <summary>Multiplies every element of <paramref name="a"/> by <c>1 / s</c> (so <c>s = 0</c> gives ±∞ or NaN); the result has <paramref name="a"/>'s shape.</summary>
    public static Tensor operator /(Tensor a, float s) => Scale(a, 1f / s);
    /// <summary>Adds <paramref name="s"/> to every element of <paramref name="a"/>; the result has <paramref name="a"/>'s shape (<c>a.Affine(1, s)</c>).</summary>
    public static Tensor operator +(Tensor a, float s) => Scale(a, 1f, s);
    /// <summary>Subtracts <paramref name="s"/> from every element of <paramref name="a"/>; the result has <paramref name="a"/>'s shape (<c>a.Affine(1, -s)</c>).</summary>
    public static Tensor operator -(Tensor a, float s) => Scale(a, 1f, -s);
}
