package org.deepline.training;

import java.util.List;
import org.deepline.core.ConfigErrors;

/**
 * A hidden dense layer of the network.
 *
 * @param units      width of the layer
 * @param activation relu, tanh, sigmoid, leakyrelu, elu or identity
 * @param dropout    probability of dropping a unit in training (0 turns dropout off)
 */
public record LayerSpec(Integer units, String activation, Double dropout) {
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
