package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.Required;

/**
 * A hidden dense layer of the network.
 *
 * @param units      width of the layer
 * @param activation relu, tanh, sigmoid, leakyrelu, elu or identity
 * @param dropout    probability of dropping a unit in training (0 turns dropout off)
 */
public record LayerSpec(
    @JsonPropertyDescription("Width of the layer. Allowed: `[1, 65536]`.")
    @Required
    Integer units,
    @JsonPropertyDescription("Activation function.")
    @OneOf("ACTIVATIONS")
    String activation,
    @JsonPropertyDescription("Probability of dropping a unit during training; 0 turns dropout "
        + "off. Allowed: `[0, 1)`.")
    Double dropout) {
  public static final List<String> ACTIVATIONS =
      List.of("relu", "tanh", "sigmoid", "leakyrelu", "elu", "identity");
  public static final int MAX_UNITS = 65_536;

  public LayerSpec {
    activation = activation == null ? "relu" : activation;
    dropout = dropout == null ? 0.0 : dropout;
  }

  public void validate(ConfigErrors errors) {
    errors.requirePositive(units, "units");
    if (units != null && units > MAX_UNITS) {
      errors.add("units", "must be <= " + MAX_UNITS + ", got " + units);
    }
    errors.requireOneOf(activation, ACTIVATIONS, "activation");
    errors.requireFraction(dropout, "dropout", true, false);
  }
}
